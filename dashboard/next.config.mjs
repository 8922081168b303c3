/** Static export: `next build` writes plain files to out/, one folder per page (trailingSlash), so any static host
 *  (Azure Static Web Apps, serve.mjs) serves each page at its own path. The API and voice addresses are read at run
 *  time from /config.js, which the host writes. */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
};
export default nextConfig;
