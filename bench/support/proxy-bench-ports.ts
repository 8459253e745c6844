/** Where the proxy benchmarks' processes listen inside their namespace: nginx behind, then HAProxy's and weir's fronts. */
export const BACKEND = '127.0.0.1';
export const NGINX_PORT = 18080;
export const HAPROXY = '127.0.0.1';
export const HAPROXY_HTTP_PORT = 18081;
export const HAPROXY_TCP_PORT = 15203;
export const WEIR_HTTP_PORT = 18082;
export const WEIR_TCP_PORT = 15202;
