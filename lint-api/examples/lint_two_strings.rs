//! Lints an nginx site and a php-fpm pool held in memory, and prints each finding.
//!
//! `cargo run -p lint-api --example lint_two_strings`

use lint_api::{Input, Linter, Settings};

const NGINX: &str = "events {}
http {
    server {
        listen 80;
        root /var/www/shop;
        location ~ \\.php$ {
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_pass unix:/run/php/php8.1-fpm.sock;
        }
    }
}
";

const POOL: &str = "[www]
user = www-data
group = www-data
listen = /run/php/php8.2-fpm.sock
listen.owner = www-data
listen.group = www-data
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
";

fn main() -> Result<(), lint_api::Error> {
    let input = Input::texts(
        [
            ("/etc/nginx/nginx.conf", NGINX),
            ("/etc/nginx/fastcgi_params", ""),
        ],
        [("/etc/php/8.2/fpm/pool.d/www.conf", POOL)],
    );
    let report = Linter::new(Settings::default()).lint(&input)?;
    for d in &report.diagnostics {
        let place = d.primary.as_ref().map(|p| {
            let file = report.sources.get(p.span.file);
            let at = file.line_col(p.span.start);
            format!("{}:{}:{}", file.path.display(), at.line, at.column)
        });
        println!(
            "{} {} [{}] {}",
            place.unwrap_or_default(),
            d.code,
            d.severity.as_str(),
            d.message
        );
    }
    Ok(())
}
