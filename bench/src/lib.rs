//! A generator of realistic nginx + php-fpm trees: N sites, each with one or
//! two server blocks, several locations, shared snippets and its own pool.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Clone, Debug)]
pub struct TreeSpec {
    /// Number of sites (and pools).
    pub sites: usize,
    /// Add a TLS server per site (needs cert.pem/key.pem in the tree's etc/nginx/ssl).
    pub tls: bool,
}

fn write(root: &Path, rel: &str, text: &str) -> io::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// Writes the tree under `root`. Every absolute path inside the files starts
/// with `root`, so that `nginx -t -c ROOT/etc/nginx/nginx.conf`, `php-fpm -t`
/// and the linter read the same files without a `--root` mapping.
pub fn generate(root: &Path, spec: &TreeSpec) -> io::Result<()> {
    let r = root.display().to_string();
    write(
        root,
        "etc/nginx/nginx.conf",
        &format!(
            "user www-data;\nworker_processes auto;\nevents {{\n    worker_connections 1024;\n}}\nhttp {{\n    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n    server_names_hash_max_size 131072;\n    server_names_hash_bucket_size 128;\n    include {r}/etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log off;\n    gzip on;\n    include {r}/etc/nginx/conf.d/*.conf;\n    include {r}/etc/nginx/sites-enabled/*.conf;\n}}\n"
        ),
    )?;
    write(root, "etc/nginx/mime.types", "types {\n    text/html html htm;\n    text/css css;\n    application/javascript js;\n    image/png png;\n    image/svg+xml svg;\n    application/json json;\n}\n")?;
    write(
        root,
        "etc/nginx/conf.d/limits.conf",
        "client_max_body_size 16m;\nkeepalive_timeout 65;\n",
    )?;
    let mut fastcgi = String::new();
    for (k, v) in [
        ("SCRIPT_FILENAME", "$document_root$fastcgi_script_name"),
        ("QUERY_STRING", "$query_string"),
        ("REQUEST_METHOD", "$request_method"),
        ("CONTENT_TYPE", "$content_type"),
        ("CONTENT_LENGTH", "$content_length"),
        ("SCRIPT_NAME", "$fastcgi_script_name"),
        ("REQUEST_URI", "$request_uri"),
        ("DOCUMENT_URI", "$document_uri"),
        ("DOCUMENT_ROOT", "$document_root"),
        ("SERVER_PROTOCOL", "$server_protocol"),
        ("REQUEST_SCHEME", "$scheme"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("SERVER_SOFTWARE", "nginx/$nginx_version"),
        ("REMOTE_ADDR", "$remote_addr"),
        ("REMOTE_PORT", "$remote_port"),
        ("SERVER_ADDR", "$server_addr"),
        ("SERVER_PORT", "$server_port"),
        ("SERVER_NAME", "$server_name"),
        ("REDIRECT_STATUS", "200"),
    ] {
        let _ = writeln!(fastcgi, "fastcgi_param  {k:<18} {v};");
    }
    write(root, "etc/nginx/fastcgi.conf", &fastcgi)?;
    write(
        root,
        "etc/nginx/snippets/fastcgi-php.conf",
        &format!("fastcgi_split_path_info ^(.+?\\.php)(/.*)$;\ntry_files $fastcgi_script_name =404;\nset $path_info $fastcgi_path_info;\nfastcgi_param PATH_INFO $path_info;\nfastcgi_index index.php;\ninclude {r}/etc/nginx/fastcgi.conf;\n"),
    )?;
    write(
        root,
        "etc/nginx/snippets/headers.conf",
        "add_header X-Frame-Options SAMEORIGIN;\nadd_header X-Content-Type-Options nosniff;\n",
    )?;
    let mut fpm = format!("[global]\npid = {r}/run/php-fpm.pid\nerror_log = {r}/log/php-fpm.log\n\ninclude = {r}/etc/php/8.2/fpm/pool.d/*.conf\n");
    fpm.push('\n');
    write(root, "etc/php/8.2/fpm/php-fpm.conf", &fpm)?;
    std::fs::create_dir_all(root.join("log"))?;
    std::fs::create_dir_all(root.join("run"))?;
    for i in 0..spec.sites {
        let name = format!("site{i:05}");
        let sock = format!("{r}/run/php/{name}.sock");
        let mut site = String::new();
        let servers = if i % 3 == 0 { 2 } else { 1 };
        for s in 0..servers {
            let host = if s == 0 {
                format!("{name}.example.com www.{name}.example.com")
            } else {
                format!("api.{name}.example.com")
            };
            let default = if i == 0 && s == 0 {
                " default_server"
            } else {
                ""
            };
            let _ = write!(
                site,
                "server {{\n    listen 80{default};\n    listen [::]:80{default};\n    server_name {host};\n    root /var/www/{name}/public;\n    index index.php index.html;\n    include {r}/etc/nginx/snippets/headers.conf;\n\n    location / {{\n        try_files $uri $uri/ /index.php?$query_string;\n    }}\n\n    location ~* \\.(css|js|png|svg|woff2)$ {{\n        expires 30d;\n        access_log off;\n    }}\n\n    location = /favicon.ico {{\n        log_not_found off;\n    }}\n\n    location ~ /\\.(?!well-known) {{\n        deny all;\n    }}\n\n    location ~ \\.php$ {{\n        include {r}/etc/nginx/snippets/fastcgi-php.conf;\n        fastcgi_pass unix:{sock};\n        fastcgi_read_timeout 120s;\n        fastcgi_buffers 16 16k;\n        fastcgi_buffer_size 32k;\n    }}\n}}\n\n"
            );
        }
        if spec.tls {
            let _ = write!(
                site,
                "server {{\n    listen 443 ssl;\n    server_name secure.{name}.example.com;\n    ssl_certificate {r}/etc/nginx/ssl/cert.pem;\n    ssl_certificate_key {r}/etc/nginx/ssl/key.pem;\n    root /var/www/{name}/public;\n    location ~ \\.php$ {{\n        include {r}/etc/nginx/snippets/fastcgi-php.conf;\n        fastcgi_pass unix:{sock};\n    }}\n}}\n"
            );
        }
        write(root, &format!("etc/nginx/sites-enabled/{name}.conf"), &site)?;
        write(
            root,
            &format!("etc/php/8.2/fpm/pool.d/{name}.conf"),
            &format!(
                "; pool for {name}\n[{name}]\nuser = www-data\ngroup = www-data\nlisten = {sock}\nlisten.owner = www-data\nlisten.group = www-data\npm = ondemand\npm.max_children = 8\npm.process_idle_timeout = 10s\npm.max_requests = 500\nrequest_terminate_timeout = 110\nphp_admin_value[max_execution_time] = 100\nphp_admin_value[memory_limit] = 256M\nphp_admin_value[error_log] = {r}/log/{name}.log\nphp_admin_flag[log_errors] = on\n"
            ),
        )?;
    }
    Ok(())
}
