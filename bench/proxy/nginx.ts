import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The nginx binary, or null when it is not installed. */
export function findNginx(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx']) {
    try {
      execFileSync(p, ['-v'], { stdio: 'ignore' });
      return p;
    } catch {
      // not there
    }
  }
  return null;
}

/**
 * An nginx config in `prefix`: one worker, no access log, proxy_pass to the fake with upstream
 * keepalive (HTTP/1.1, Connection cleared) — the usual production reverse-proxy setup.
 */
export function writeNginxConfig(prefix: string, listenPort: number, upstreamPort: number): string {
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
master_process on;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  keepalive_requests 100000;
  upstream fake {
    server 127.0.0.1:${upstreamPort};
    keepalive 128;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:${listenPort} reuseport;
    location / {
      proxy_pass http://fake;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # As LLM gateways run it: streamed answers pass through as they come.
      proxy_buffering off;
    }
  }
}
`,
  );
  return conf;
}
