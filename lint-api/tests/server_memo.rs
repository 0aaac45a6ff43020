//! What an incremental linter's per-server rules check again after a change: only the
//! server whose statements changed, or every server when something outside the servers
//! did (an http-level setting, a pool). Counted, not timed; the findings themselves are
//! compared with a fresh linter's in `incremental_differential.rs`.

use std::path::Path;

use lint_api::{Input, Linter};

const SITES: usize = 12;

fn site(n: usize, timeout: &str) -> String {
    format!(
        "server {{\n    listen 80;\n    server_name site{n}.example.com;\n    root /var/www/site{n};\n    index index.php;\n    location ~ \\.php$ {{\n        include /etc/nginx/fastcgi.conf;\n        fastcgi_pass unix:/run/php/site{n}.sock;\n        fastcgi_read_timeout {timeout};\n    }}\n}}\n"
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn tree(root: &Path) {
    write(
        root,
        "etc/nginx/nginx.conf",
        "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*.conf;\n}\n",
    );
    write(
        root,
        "etc/nginx/fastcgi.conf",
        "fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n",
    );
    let mut pools = String::from("[global]\nerror_log = /var/log/php-fpm.log\n");
    for n in 0..SITES {
        write(
            root,
            &format!("etc/nginx/sites-enabled/site{n}.conf"),
            &site(n, "30s"),
        );
        pools.push_str(&format!(
            "[site{n}]\nuser = www-data\ngroup = www-data\nlisten = /run/php/site{n}.sock\nlisten.owner = www-data\npm = static\npm.max_children = 4\nrequest_terminate_timeout = 300s\n"
        ));
    }
    write(root, "etc/php/8.2/fpm/php-fpm.conf", &pools);
}

/// Each finding's code, then where it and its related places point (a kept finding
/// that points into an older version of a file read again would show its old place,
/// or no file at all).
fn codes(linter: &Linter, root: &Path) -> Vec<String> {
    let report = linter.lint(&Input::root(root)).expect("lint");
    let place = |span: lint_source::Span| {
        let file = report.sources.get(span.file);
        format!("{}:{}", file.path.display(), span.start)
    };
    let mut out: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let places: Vec<String> = d
                .primary
                .iter()
                .chain(&d.related)
                .map(|l| place(l.span))
                .collect();
            format!("{} {}", d.code, places.join(" "))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_change_in_one_site_checks_that_server_again_and_a_change_outside_checks_all() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    tree(root);
    // Files written a moment ago are read again on every run (their mtime may still
    // change): trusted at once here, so that only the edited file is new.
    let linter = Linter::default()
        .current_dir(root)
        .incremental()
        .settle_time(std::time::Duration::ZERO);
    let first = codes(&linter, root);
    assert_eq!(linter.servers_checked(), Some(SITES));
    assert_eq!(linter.servers_built(), Some(SITES));
    // X006: nginx gives up (30s) long before the pool's 300s; every site says so.
    assert_eq!(
        first.iter().filter(|c| c.starts_with("X006 ")).count(),
        SITES
    );

    // Nothing changed: nothing is checked again.
    assert_eq!(codes(&linter, root), first);
    assert_eq!(linter.servers_checked(), Some(SITES));
    assert_eq!(linter.servers_built(), Some(SITES));

    // One site now waits as long as the pool: its X006 goes, the others' stay.
    write(root, "etc/nginx/sites-enabled/site3.conf", &site(3, "300s"));
    let after = codes(&linter, root);
    assert_eq!(linter.servers_checked(), Some(SITES + 1));
    assert_eq!(linter.servers_built(), Some(SITES + 1));
    assert_eq!(
        after.iter().filter(|c| c.starts_with("X006 ")).count(),
        SITES - 1
    );
    assert_eq!(after, codes(&Linter::default().current_dir(root), root));

    // A snippet spliced into every server: every server is checked again.
    write(
        root,
        "etc/nginx/fastcgi.conf",
        "fastcgi_param SCRIPT_FILENAME $request_filename;\n",
    );
    codes(&linter, root);
    assert_eq!(linter.servers_checked(), Some(2 * SITES + 1));
    assert_eq!(linter.servers_built(), Some(2 * SITES + 1));

    // The pools are outside every server: every server is checked again, and the
    // findings follow the pools (no pool kills scripts before nginx's 30s now).
    let pools = std::fs::read_to_string(root.join("etc/php/8.2/fpm/php-fpm.conf")).expect("read");
    write(
        root,
        "etc/php/8.2/fpm/php-fpm.conf",
        &pools.replace(
            "request_terminate_timeout = 300s",
            "request_terminate_timeout = 20s",
        ),
    );
    let pools_changed = codes(&linter, root);
    assert_eq!(linter.servers_checked(), Some(3 * SITES + 1));
    // The models of the servers do not read the pools: none is built again.
    assert_eq!(linter.servers_built(), Some(2 * SITES + 1));
    assert_eq!(
        pools_changed
            .iter()
            .filter(|c| c.starts_with("X006 "))
            .count(),
        0
    );
    assert_eq!(
        pools_changed,
        codes(&Linter::default().current_dir(root), root)
    );
}

#[test]
fn a_set_in_one_server_reaches_the_findings_kept_for_another() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    tree(root);
    // site0 passes to whatever `$php` holds; site1 sets it (nginx's model reads `set`
    // values tree-wide: a variable's possible values).
    write(
        root,
        "etc/nginx/sites-enabled/site0.conf",
        &site(0, "300s").replace("unix:/run/php/site0.sock", "$php"),
    );
    let set = |target: &str| {
        site(1, "300s").replace(
            "    root /var/www/site1;\n",
            &format!("    root /var/www/site1;\n    set $php {target};\n"),
        )
    };
    write(
        root,
        "etc/nginx/sites-enabled/site1.conf",
        &set("127.0.0.1:9000"),
    );
    let linter = Linter::default()
        .current_dir(root)
        .incremental()
        .settle_time(std::time::Duration::ZERO);
    let fresh = || codes(&Linter::default().current_dir(root), root);
    let tcp = codes(&linter, root);
    assert_eq!(tcp, fresh());
    write(
        root,
        "etc/nginx/sites-enabled/site1.conf",
        &set("unix:/run/php/site0.sock"),
    );
    let unix = codes(&linter, root);
    assert_eq!(unix, fresh());
    // The comparison compared something: site0's findings changed with site1's `set`.
    assert_ne!(tcp, unix);
}

#[test]
fn a_site_file_holding_its_upstream_beside_its_server_keeps_the_other_servers() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    tree(root);
    // Each site file holds its upstream (the heavy profile's shape, and many a
    // tutorial's); site0 passes to site1's upstream.
    let upstream_site = |n: usize, via: usize, timeout: &str| {
        format!("upstream php_site{n} {{\n    server unix:/run/php/site{n}.sock;\n}}\n")
            + &site(n, timeout).replace(
                &format!("unix:/run/php/site{n}.sock"),
                &format!("php_site{via}"),
            )
    };
    for n in 0..SITES {
        let via = if n == 0 { 1 } else { n };
        write(
            root,
            &format!("etc/nginx/sites-enabled/site{n}.conf"),
            &upstream_site(n, via, "30s"),
        );
    }
    // Pool site1 never stops a script: X006 says so, pointing at the upstream line
    // nginx passes through (in site1's file, for site0's finding too).
    let pools = std::fs::read_to_string(root.join("etc/php/8.2/fpm/php-fpm.conf")).expect("read");
    write(
        root,
        "etc/php/8.2/fpm/php-fpm.conf",
        &pools
            .replacen(
                "listen = /run/php/site1.sock\n",
                "listen = /run/php/site1.sock\nphp_admin_value[max_execution_time] = 0\n",
                1,
            )
            .replace(
                "request_terminate_timeout = 300s\n[site2]",
                "request_terminate_timeout = 0\n[site2]",
            ),
    );
    let linter = Linter::default()
        .current_dir(root)
        .incremental()
        .settle_time(std::time::Duration::ZERO);
    let fresh = || codes(&Linter::default().current_dir(root), root);
    let first = codes(&linter, root);
    assert_eq!(first, fresh());
    assert!(
        first
            .iter()
            .any(|f| f.starts_with("X006 ") && f.contains("site1.conf")),
        "{first:#?}"
    );
    assert_eq!(linter.servers_checked(), Some(SITES));

    // An edit of site3's server: its upstream's text is unchanged, so the other
    // servers are neither built nor checked again.
    write(
        root,
        "etc/nginx/sites-enabled/site3.conf",
        &upstream_site(3, 3, "300s"),
    );
    assert_eq!(codes(&linter, root), fresh());
    assert_eq!(linter.servers_checked(), Some(SITES + 1));
    assert_eq!(linter.servers_built(), Some(SITES + 1));

    // An edit of site1's server: site0's passes reach site1's upstream lines, which now
    // have a new file: site0's model is built again, and its findings (which point
    // there) are made again.
    write(
        root,
        "etc/nginx/sites-enabled/site1.conf",
        &upstream_site(1, 1, "300s"),
    );
    assert_eq!(codes(&linter, root), fresh());
    assert_eq!(linter.servers_built(), Some(SITES + 3));
    assert_eq!(linter.servers_checked(), Some(SITES + 3));

    // An edit of an upstream: every server is checked again.
    write(
        root,
        "etc/nginx/sites-enabled/site5.conf",
        &upstream_site(5, 5, "30s").replace("server unix:", "server 127.0.0.1:9000; #"),
    );
    assert_eq!(codes(&linter, root), fresh());
    assert_eq!(linter.servers_checked(), Some(2 * SITES + 3));
}
