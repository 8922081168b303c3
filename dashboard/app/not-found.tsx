import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md p-8 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">There is no page at this address.</p>
      <Link href="/agents/" className="btn-primary mt-4">
        Go to agents
      </Link>
    </main>
  );
}
