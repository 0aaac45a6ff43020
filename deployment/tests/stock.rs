//! The Debian stock files are the installed packages' own: compared byte for byte with
//! /etc/nginx and /etc/php/8.2/fpm when the packages are installed (CI installs them),
//! so they cannot drift from what Debian ships.

use std::path::Path;

use deployment::stock::{StockSet, DEBIAN_NGINX, DEBIAN_PHP82};

#[test]
fn debian_stock_files_are_the_installed_packages_files() {
    if Path::new("/usr/share/doc/nginx-common").exists() {
        for (path, bytes) in DEBIAN_NGINX.files {
            let installed = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(
                installed == *bytes,
                "{path}: the stock copy differs from the installed package's file"
            );
        }
    } else {
        println!("skipped debian-nginx: nginx-common is not installed here");
    }
    // php.ini is made by ucf from php.ini-production: compare with that file.
    if Path::new("/usr/share/doc/php8.2-fpm").exists() {
        for (path, bytes) in DEBIAN_PHP82.files {
            let source = if path.ends_with("php.ini") {
                "/usr/lib/php/8.2/php.ini-production".to_string()
            } else {
                path.to_string()
            };
            let installed = std::fs::read(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
            assert!(installed == *bytes, "{path}: differs from {source}");
        }
    } else {
        println!("skipped debian-php8.2-fpm: php8.2-fpm is not installed here");
    }
}

fn text(set: &StockSet, path: &str) -> String {
    let (_, bytes) = set
        .files
        .iter()
        .find(|(p, _)| *p == path)
        .unwrap_or_else(|| panic!("{path} in {}", set.name));
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn official_image_files_follow_the_recorded_facts() {
    use deployment::stock::{NGINX_OFFICIAL, NGINX_OFFICIAL_ALPINE, PHP_OFFICIAL};
    // nginx image: conf.d/*.conf inside http {}, user nginx; no fastcgi.conf on Debian.
    let conf = text(&NGINX_OFFICIAL, "/etc/nginx/nginx.conf");
    assert!(conf.contains("include /etc/nginx/conf.d/*.conf;") && conf.contains("user  nginx;"));
    assert!(!NGINX_OFFICIAL
        .files
        .iter()
        .any(|(p, _)| *p == "/etc/nginx/fastcgi.conf"));
    // fastcgi.conf = fastcgi_params + SCRIPT_FILENAME, and fastcgi_params has none.
    let params = text(&NGINX_OFFICIAL, "/etc/nginx/fastcgi_params");
    let fastcgi_conf = text(&NGINX_OFFICIAL_ALPINE, "/etc/nginx/fastcgi.conf");
    assert!(!params.contains("SCRIPT_FILENAME"));
    assert_eq!(
        fastcgi_conf.replace(
            "fastcgi_param  SCRIPT_FILENAME    $document_root$fastcgi_script_name;\n",
            ""
        ),
        params
    );
    // php image: docker.conf listens on 9000 for [www]; zz-docker.conf sorts last.
    let docker = text(&PHP_OFFICIAL, "/usr/local/etc/php-fpm.d/docker.conf");
    assert!(docker.contains("listen = 9000"));
    let zz = text(&PHP_OFFICIAL, "/usr/local/etc/php-fpm.d/zz-docker.conf");
    assert!(zz.contains("daemonize = no"));
}
