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

fn codes(linter: &Linter, root: &Path) -> Vec<String> {
    let report = linter.lint(&Input::root(root)).expect("lint");
    let mut out: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
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
    assert_eq!(first.iter().filter(|c| *c == "X006").count(), SITES);

    // Nothing changed: nothing is checked again.
    assert_eq!(codes(&linter, root), first);
    assert_eq!(linter.servers_checked(), Some(SITES));
    assert_eq!(linter.servers_built(), Some(SITES));

    // One site now waits as long as the pool: its X006 goes, the others' stay.
    write(root, "etc/nginx/sites-enabled/site3.conf", &site(3, "300s"));
    let after = codes(&linter, root);
    assert_eq!(linter.servers_checked(), Some(SITES + 1));
    assert_eq!(linter.servers_built(), Some(SITES + 1));
    assert_eq!(after.iter().filter(|c| *c == "X006").count(), SITES - 1);
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
    assert_eq!(pools_changed.iter().filter(|c| *c == "X006").count(), 0);
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
