//! A generator of realistic nginx + php-fpm trees: N sites, each with one or
//! two server blocks, several locations, shared snippets and its own pool.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// The shape of each site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// One or two small servers with five locations, a 15-line pool file: few
    /// findings (one note per pool). The profile of the first benchmarks.
    #[default]
    Light,
    /// What a hosting box looks like: a ~120-line site (upstream, maps, a
    /// redirect server, regex locations, status and ping locations, error
    /// pages) and a fully commented distro-style pool file (~5 KB), with about
    /// one finding per site.
    Heavy,
}

impl Profile {
    /// Parses `light` or `heavy`.
    pub fn parse(text: &str) -> Option<Profile> {
        match text {
            "light" => Some(Profile::Light),
            "heavy" => Some(Profile::Heavy),
            _ => None,
        }
    }

    /// The name `parse` reads.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Light => "light",
            Profile::Heavy => "heavy",
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct TreeSpec {
    /// Number of sites (and pools).
    pub sites: usize,
    /// Add a TLS server per site (needs cert.pem/key.pem in the tree's etc/nginx/ssl).
    pub tls: bool,
    /// The shape of each site.
    pub profile: Profile,
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
            "user www-data;\nworker_processes auto;\nevents {{\n    worker_connections 1024;\n}}\nhttp {{\n{vars}    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n    server_names_hash_max_size 131072;\n    server_names_hash_bucket_size 128;\n    include {r}/etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log off;\n    gzip on;\n    include {r}/etc/nginx/conf.d/*.conf;\n    include {r}/etc/nginx/sites-enabled/*.conf;\n}}\n",
            // Two maps per heavy site: nginx warns about the variables hash without these.
            vars = if spec.profile == Profile::Heavy {
                "    variables_hash_max_size 131072;\n    variables_hash_bucket_size 128;\n"
            } else {
                ""
            }
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
    if spec.profile == Profile::Heavy {
        for i in 0..spec.sites {
            heavy_site(root, &r, i, spec.tls)?;
        }
        return Ok(());
    }
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

/// The commented preamble of every heavy pool file, in the style of the pool
/// files distributions ship (every setting explained, most of them commented out).
const POOL_COMMENTS: &str = r#"; Start a new pool named after the site.
; The name is used in logs and in the status page; the variable $pool can be
; used in any directive below and is replaced by the pool name.

; Per pool prefix
; It only applies to the following directives:
; - 'access.log'
; - 'slowlog'
; - 'listen' (unixsocket)
; - 'chroot'
; - 'chdir'
; - 'php_values'
; - 'php_admin_values'
; When not set, the global prefix (or /usr) applies instead.
; Note: This directive can also be relative to the global prefix.
; Default Value: none
;prefix = /path/to/pools/$pool

; Unix user/group of the child processes. This can be used only if the master
; process runs as root. The user and group can be set as numbers or names.
; Note: The user is mandatory. If the group is not set, the default user's
; group will be used.
"#;

const POOL_LISTEN_COMMENTS: &str = r#"
; The address on which to accept FastCGI requests.
; Valid syntaxes are:
;   'ip.add.re.ss:port'    - to listen on a TCP socket to a specific IPv4 address on
;                            a specific port;
;   '[ip:6:addr:ess]:port' - to listen on a TCP socket to a specific IPv6 address on
;                            a specific port;
;   'port'                 - to listen on a TCP socket to all addresses
;                            (IPv6 and IPv4-mapped) on a specific port;
;   '/path/to/unix/socket' - to listen on a unix socket.
; Note: This value is mandatory.
"#;

const POOL_PM_COMMENTS: &str = r#"
; Set listen(2) backlog.
; Default Value: 511 (-1 on Linux and FreeBSD)
;listen.backlog = 511

; Set permissions for unix socket, if one is used. In Linux, read/write
; permissions must be set in order to allow connections from a web server.
; Default Values: Owner is set to the master process running user. If the group
;                 is not set, the owner's group is used. Mode is set to 0660.
;listen.mode = 0660

; List of addresses (IPv4/IPv6) of FastCGI clients which are allowed to connect.
; Makes sense only with a tcp listening socket. Each address must be separated
; by a comma. If this value is left blank, connections will be accepted from any
; ip address.
; Default Value: any
;listen.allowed_clients = 127.0.0.1

; Choose how the process manager will control the number of child processes.
; Possible Values:
;   static  - a fixed number (pm.max_children) of child processes;
;   dynamic - the number of child processes are set dynamically based on the
;             following directives: pm.max_children, pm.start_servers,
;             pm.min_spare_servers and pm.max_spare_servers;
;   ondemand - no children are created at startup. Children will be forked when
;             new requests will connect. The following parameters are used:
;             pm.max_children and pm.process_idle_timeout.
; Note: This value is mandatory.
"#;

const POOL_TAIL_COMMENTS: &str = r#"
; The URI to view the FPM status page. If this value is not set, no URI will be
; recognized as a status page. The page is served by the pool itself, so the web
; server must pass the URI to this pool (and should restrict who may see it).
; Note: The value must start with a leading slash (/). The value can be
;       anything, but it may not be a good idea to use the .php extension or it
;       may conflict with a real PHP file.
; Default Value: not set
"#;

/// One site of the heavy profile: its nginx file and its pool file.
fn heavy_site(root: &Path, r: &str, i: usize, tls: bool) -> io::Result<()> {
    let name = format!("site{i:05}");
    let sock = format!("{r}/run/php/{name}.sock");
    let default = if i == 0 { " default_server" } else { "" };
    // About one finding per site, one realistic mistake each in turn: nginx gives
    // up before the pool (X006), a slow log that can never be written (FPM101), a
    // header buffer too small for framework headers (NGX206), workers that are
    // never recycled nor limited (FPM108).
    let mistake = i % 4;
    let php_read_timeout = if mistake == 0 {
        "\n        fastcgi_read_timeout 60s;"
    } else {
        ""
    };
    let slowlog = if mistake == 1 { "300s" } else { "10s" };
    let buffer_size = if mistake == 2 { "4k" } else { "32k" };
    let (max_requests, memory_limit) = if mistake == 3 {
        (0, "-1")
    } else {
        (500, "256M")
    };
    let mut site = String::new();
    let _ = write!(
        site,
        r#"# {name}: managed by configuration management; local changes are overwritten.
upstream {name}_php {{
    server unix:{sock};
}}

map $request_uri ${name}_redirect {{
    default "";
    ~^/old-blog/(?<slug>[a-z0-9-]+)/?$ /blog/$slug;
    ~^/shop/item\.php\?id=(?<id>[0-9]+)$ /products/$id;
    /about-us /about;
}}

map $http_user_agent ${name}_bot {{
    default 0;
    ~*(googlebot|bingbot|yandex) 1;
}}

# The old domain and the bare IP answer with a redirect to the canonical name.
server {{
    listen 80;
    listen [::]:80;
    server_name {name}.example.org www.{name}.example.org;
    return 301 http://{name}.example.com$request_uri;
}}

server {{
    listen 80{default};
    listen [::]:80{default};
    server_name {name}.example.com www.{name}.example.com static.{name}.example.com;
    root /var/www/{name}/public;
    index index.php index.html;
    access_log {r}/log/{name}.access.log;
    error_log {r}/log/{name}.error.log warn;
    client_max_body_size 32m;
    fastcgi_read_timeout 300s;
    include {r}/etc/nginx/snippets/headers.conf;
    add_header Referrer-Policy strict-origin-when-cross-origin always;
    add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;

    gzip on;
    gzip_vary on;
    gzip_comp_level 5;
    gzip_min_length 256;
    gzip_types text/css text/plain application/javascript application/json image/svg+xml;

    if (${name}_redirect) {{
        return 301 ${name}_redirect;
    }}

    location / {{
        try_files $uri $uri/ /index.php?$query_string;
    }}

    location ~* \.(?:css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|woff2?|ttf)$ {{
        expires 30d;
        access_log off;
        try_files $uri =404;
    }}

    location ~* ^/(?:uploads|files|cache)/.*\.php$ {{
        deny all;
    }}

    # Backups, dumps and editor leftovers are never served.
    location ~* \.(?:bak|conf|dist|inc|ini|log|sh|sql|swp|tar|gz)$ {{
        deny all;
    }}

    location /api/ {{
        limit_except GET POST PUT DELETE {{
            deny all;
        }}
        try_files $uri /index.php$is_args$args;
    }}

    location = /favicon.ico {{
        log_not_found off;
        access_log off;
    }}

    location = /robots.txt {{
        log_not_found off;
        access_log off;
    }}

    location ~ /\.(?!well-known) {{
        deny all;
    }}

    location ^~ /.well-known/acme-challenge/ {{
        default_type text/plain;
        root /var/www/letsencrypt;
    }}

    location = /fpm-status {{
        allow 127.0.0.1;
        deny all;
        access_log off;
        include {r}/etc/nginx/fastcgi.conf;
        fastcgi_pass {name}_php;
    }}

    location = /fpm-ping {{
        allow 127.0.0.1;
        deny all;
        access_log off;
        include {r}/etc/nginx/fastcgi.conf;
        fastcgi_pass {name}_php;
    }}

    location ~ \.php$ {{
        include {r}/etc/nginx/snippets/fastcgi-php.conf;
        fastcgi_pass {name}_php;
        fastcgi_param HTTP_PROXY "";{php_read_timeout}
        fastcgi_buffers 16 16k;
        fastcgi_buffer_size {buffer_size};
    }}

    error_page 500 502 503 504 /50x.html;
    location = /50x.html {{
        root /usr/share/nginx/html;
        internal;
    }}
}}
"#
    );
    if tls {
        let _ = write!(
            site,
            "\nserver {{\n    listen 443 ssl;\n    server_name secure.{name}.example.com;\n    ssl_certificate {r}/etc/nginx/ssl/cert.pem;\n    ssl_certificate_key {r}/etc/nginx/ssl/key.pem;\n    root /var/www/{name}/public;\n    location ~ \\.php$ {{\n        include {r}/etc/nginx/snippets/fastcgi-php.conf;\n        fastcgi_pass unix:{sock};\n    }}\n}}\n"
        );
    }
    write(root, &format!("etc/nginx/sites-enabled/{name}.conf"), &site)?;

    let mut pool = String::new();
    let _ = write!(
        pool,
        "{POOL_COMMENTS}[{name}]\nuser = www-data\ngroup = www-data\n{POOL_LISTEN_COMMENTS}listen = {sock}\n\n; Set permissions for the socket: nginx's worker user must be able to connect.\nlisten.owner = www-data\nlisten.group = www-data\n{POOL_PM_COMMENTS}pm = dynamic\n\n; The number of child processes to be created when pm is set to 'static' and the\n; maximum number of child processes when pm is set to 'dynamic' or 'ondemand'.\npm.max_children = 12\n\n; The number of child processes created on startup.\npm.start_servers = 3\n\n; The desired minimum number of idle server processes.\npm.min_spare_servers = 2\n\n; The desired maximum number of idle server processes.\npm.max_spare_servers = 4\n\n; The number of requests each child process should execute before respawning.\npm.max_requests = {max_requests}\n{POOL_TAIL_COMMENTS}pm.status_path = /fpm-status\n\n; The ping URI to call the monitoring page of FPM.\nping.path = /fpm-ping\n\n; The timeout for serving a single request after which the worker process will\n; be killed. nginx's fastcgi_read_timeout should not be shorter.\nrequest_terminate_timeout = 300\n\n; The log file for slow requests.\nslowlog = {r}/log/$pool.log.slow\nrequest_slowlog_timeout = {slowlog}\n\n; Redirect worker stdout and stderr into the main error log.\ncatch_workers_output = yes\n\n; Limits the extensions of the main script FPM will allow to parse.\nsecurity.limit_extensions = .php\n\n; Pass environment variables.\nenv[HOSTNAME] = $HOSTNAME\nenv[PATH] = /usr/local/bin:/usr/bin:/bin\nenv[TMP] = /tmp\n\n; Additional php.ini defines, specific to this pool of workers.\nphp_admin_value[error_log] = {r}/log/{name}.php.log\nphp_admin_flag[log_errors] = on\nphp_admin_value[memory_limit] = {memory_limit}\nphp_value[max_execution_time] = 200\nphp_value[upload_max_filesize] = 32M\nphp_value[post_max_size] = 32M\nphp_admin_value[session.save_path] = /var/lib/php/sessions/{name}\n"
    );
    write(root, &format!("etc/php/8.2/fpm/pool.d/{name}.conf"), &pool)
}
