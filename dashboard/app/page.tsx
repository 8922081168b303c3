'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { Loading } from '@/components/ui';

export default function Home() {
  const router = useRouter();
  useEffect(() => {
    router.replace('/agents/');
  }, [router]);
  return <Loading />;
}
