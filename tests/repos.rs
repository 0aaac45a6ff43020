//! Repository mode on fixtures/repos: each layout (modelled on a real public project, see
//! fixtures/repos/README.md) linted from its top as `nginx-fpm-lint .`, what it prints on
//! stdout and stderr snapshotted; and the deployments assembled for each.

use std::path::Path;

use assert_cmd::Command;

fn run_in(dir: &Path, args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    (text, out.status.code().unwrap_or(-1))
}

/// Every layout directory (one with a SOURCE.md), by name. Not a glob walk: the layouts
/// hold links that lead nowhere on this machine on purpose (absolute ones into a copy of /).
fn layouts() -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let mut out: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&root)
        .expect("fixtures/repos")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("SOURCE.md").is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

#[test]
fn every_layout_lints_as_its_snapshot() {
    for (name, dir) in layouts() {
        let (text, code) = run_in(&dir, &["--no-config", "--format", "concise", "."]);
        insta::assert_snapshot!(format!("lint_{name}"), format!("exit {code}\n{text}"));
    }
}

#[test]
fn every_layout_assembles_as_its_snapshot() {
    for (name, dir) in layouts() {
        let (text, _) = run_in(&dir, &["deployments", "."]);
        insta::assert_snapshot!(format!("deployments_{name}"), text);
    }
}

/// The broken look-alikes are caught; the layouts they were made from are not.
#[test]
fn broken_layouts_fail_and_their_originals_pass() {
    let repos = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos");
    let cases = [
        ("compose-laravel-conf-d-broken-loopback", "X0"),
        ("compose-laravel-conf-d-broken-port", "X0"),
        ("compose-laravel-conf-d-broken-pool-loopback", "X0"),
        ("image-supervisord-unix-socket-broken-socket-path", "X001"),
        ("source-built-nginx-multistage-broken-port", "X021"),
        ("compose-v1-top-level-services-broken-host", "X020"),
        ("yum-php-fpm-absolute-include-broken-relative", "FPM005"),
        (
            "start-script-sed-dollar-placeholders-broken-min-spare",
            "FPM007",
        ),
    ];
    for (broken, code) in cases {
        let (text, status) = run_in(
            &repos.join(broken),
            &["--no-config", "--format", "concise", "."],
        );
        assert_eq!(status, 1, "{broken} must fail:\n{text}");
        assert!(text.contains(code), "{broken} must report {code}:\n{text}");
        let original = broken.split("-broken-").next().expect("name");
        let (text, status) = run_in(
            &repos.join(original),
            &["--no-config", "--format", "concise", "."],
        );
        assert_eq!(status, 0, "{original} must pass:\n{text}");
    }
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A repository's absolute include names the container's files, never this machine's:
/// the host's /etc/nginx/sites-enabled (Debian's default site here) must not be read.
#[test]
fn absolute_paths_never_reach_the_host() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n    include /etc/hostname;\n}\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("sites-enabled/default"), "{text}");
    assert!(
        !text.contains("NGX002"),
        "a path the deployment does not provide is unknown, not missing:\n{text}"
    );
    assert!(text.contains("NGX005"), "{text}");
    assert_eq!(code, 0, "{text}");
}

/// A deployment with one side says the cross-checks were skipped, instead of only
/// "No problems found".
#[test]
fn one_sided_deployments_say_the_cross_checks_were_skipped() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n",
    );
    write(
        dir.path(),
        "site.conf",
        "server {\n    listen 80;\n    root /srv;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(text.contains("cross-checks were skipped"), "{text}");
}

/// pterodactyl/panel's shape: the image COPYs its site into http.d, and the Compose file
/// mounts a folder from outside the repository over http.d. The site is hidden (what
/// the folder holds is not known) and nothing of it is linted: said, not silent. A
/// folder of the repository mounted there is the repository's own choice: no note.
#[test]
fn a_folder_from_outside_hiding_the_built_site_is_said() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx\nCOPY docker/default.conf /etc/nginx/http.d/default.conf\n",
    );
    write(
        dir.path(),
        "docker/default.conf",
        "server {\n    listen 80;\n    root /app/public;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
    );
    let compose = |source: &str| {
        format!("services:\n  panel:\n    build: .\n    volumes:\n      - \"{source}:/etc/nginx/http.d/\"\n")
    };
    write(dir.path(), "compose.yaml", &compose("/srv/panel/nginx/"));
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("/srv/panel/nginx mounted at /etc/nginx/http.d/ hides what the image's build put there (/etc/nginx/http.d/default.conf)"),
        "{text}"
    );
    write(
        dir.path(),
        "sites/default.conf",
        "server {\n    listen 80;\n}\n",
    );
    write(dir.path(), "compose.yaml", &compose("./sites/"));
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("hides what the image"), "{text}");
}

/// invoiceninja's one-line pool override has no `[section]`: the finding says which
/// section php-fpm puts it in, and why (the reader sees no `[www]` in the file).
#[test]
fn a_section_less_override_is_explained() {
    let repo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/FPM112/bad-section-less-file");
    let (text, code) = run_in(&repo, &["--no-config", "--format", "json", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("this file opens no [section] before the line: php-fpm puts it in the section an earlier file left open, [www]"),
        "{text}"
    );
    // A file that opens its section says nothing of the kind.
    let repo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/FPM112/bad-section-reopened");
    let (text, _) = run_in(&repo, &["--no-config", "--format", "json", "."]);
    assert!(text.contains("FPM112"), "{text}");
    assert!(!text.contains("opens no [section]"), "{text}");
}

/// What `deployments` shows of paths outside the repository: a host folder from `/` is
/// absolute (not `../../../srv/...`), the user's home stays `~` (not `./~`), and `$HOME`
/// in a build step is root's home. A php-fpm image that runs nginx too is not said to
/// have "no nginx".
#[test]
fn paths_outside_the_repository_are_shown_as_written() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app:\n    build: .\n    volumes:\n      - /srv/app/var:/app/var/\n      - ~/.cache/composer:/root/.composer/cache\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM ghcr.io/linuxserver/baseimage-alpine-nginx:3.20\nRUN apk add --no-cache php83-fpm && rm -rf $HOME/.cache\nCOPY www.conf /etc/php83/php-fpm.d/www.conf\n",
    );
    write(
        dir.path(),
        "www.conf",
        "[www]\nuser = abc\ngroup = abc\nlisten = 127.0.0.1:9000\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n",
    );
    let (text, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(text.contains("/app/var ← /srv/app/var/"), "{text}");
    assert!(!text.contains("../"), "{text}");
    assert!(text.contains("~/.cache/composer"), "{text}");
    assert!(!text.contains("./~"), "{text}");
    assert!(text.contains("/root/.cache ← (removed)"), "{text}");
    assert!(!text.contains("no nginx found"), "{text}");
    assert!(text.contains("runs nginx too"), "{text}");
    // The official php image in a folder named for nginx runs no nginx.
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app:\n    build: ./php-nginx\n",
    );
    write(
        dir.path(),
        "php-nginx/Dockerfile",
        "FROM php:8.3-fpm-alpine\n",
    );
    let (text, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(text.contains("no nginx found"), "{text}");
    assert!(!text.contains("runs nginx too"), "{text}");
}

/// Nothing to lint: exit 2 says what was searched and where, and what to try.
#[test]
fn an_empty_repository_says_what_was_searched() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "README.md", "# nothing here\n");
    // What was seen and skipped is said too: here, a file of another kind.
    write(dir.path(), "app/config.conf", "key = value\n");
    let (text, code) = run_in(dir.path(), &["--no-config", "."]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("no nginx or php-fpm configuration found in"),
        "{text}"
    );
    assert!(text.contains("--nginx FILE --fpm FILE"), "{text}");
    assert!(
        !text.contains("this machine") && !text.contains("fixtures/"),
        "{text}"
    );
}

/// `--fpm a b c` reads all three as php-fpm files (not `a` alone, with `b c` as paths).
#[test]
fn fpm_takes_every_file_given() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "a.conf",
        "[a]\nlisten = 9001\npm = static\npm.max_children = 1\n",
    );
    write(
        dir.path(),
        "b.conf",
        "[b]\nlisten = 9002\npm = static\npm.max_children = 0\n",
    );
    write(
        dir.path(),
        "c.conf",
        "[c]\nlisten = 9003\npm = static\npm.max_children = 1\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--fpm",
            "a.conf",
            "b.conf",
            "c.conf",
        ],
    );
    // b.conf's error proves it was read as php-fpm.
    assert!(text.contains("b.conf") && text.contains("FPM0"), "{text}");
}

/// A file named on the command line that no deployment of its repository reads (a pasted
/// server block beside another project's nginx.conf, which includes no site folder) is
/// linted on its own, with a note; its findings had vanished, and the other project's
/// were printed instead (triage 18c). The look-alike: a site the repository's nginx.conf
/// does include gets no such note.
#[test]
fn a_named_file_no_deployment_reads_is_linted_on_its_own() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "other/nginx.conf",
        "user www-data;\nevents {}\nhttp {\n    server {\n        listen 80;\n        location ~ \\.php$ {\n            include fastcgi.conf;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n}\n",
    );
    write(
        dir.path(),
        "paste/site.conf",
        "server {\n    listen 80;\n    server_name shop.example.com;\n    root /var/www/shop;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &["--no-config", "--format", "concise", "paste/site.conf"],
    );
    assert!(text.contains("paste/site.conf:7:22: NGX201"), "{text}");
    assert!(
        text.contains("paste/site.conf: no deployment of its repository reads it"),
        "{text}"
    );
    let (text, _) = run_in(
        dir.path(),
        &["--no-config", "--format", "concise", "other/nginx.conf"],
    );
    assert!(!text.contains("linted on its own"), "{text}");
}

/// Saved `nginx -T` output is linted as the dump it is, named alone or with the pool files
/// beside it; inside a repository it is passed over with a note. Read as one nginx.conf it
/// was every file of the tree at the top level: 26 false errors on Nextcloud's documented
/// site (triage 18c).
#[test]
fn saved_nginx_t_output_is_read_as_a_dump() {
    let dir = tempfile::tempdir().expect("tmp");
    let dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n# configuration file /etc/nginx/nginx.conf:\nuser www-data;\nevents {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n# configuration file /etc/nginx/conf.d/app.conf:\nupstream php { server 127.0.0.1:9000; }\nserver {\n    listen 80;\n    root /var/www/app;\n    location ~ \\.php$ {\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass php;\n    }\n}\n\n";
    write(dir.path(), "nginx-T.txt", dump);
    write(
        dir.path(),
        "www.conf",
        "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm.sock\npm = static\npm.max_children = 4\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "nginx-T.txt",
            "www.conf",
        ],
    );
    assert!(!text.contains("NGX011"), "{text}");
    assert!(
        text.contains("/etc/nginx/conf.d/app.conf:1:23: X002"),
        "{text}"
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("NGX011"), "{text}");
    assert!(
        text.contains("nginx-T.txt: saved `nginx -T` output"),
        "{text}"
    );
}

/// A role or formula repository holds templates only: each gets its "not rendered" note
/// (geerlingguy's nginx templates, half `{% block %}` lines, got none) and the run exits
/// 0, so that a pre-commit hook on it does not fail every commit (triage 18b). A
/// repository with no configuration at all still exits 2.
#[test]
fn a_repository_of_templates_only_exits_zero_with_notes() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "templates/vhost.j2",
        "{% block server_redirect %}\n{% if item.server_name_redirect is defined %}\nserver {\n    listen {{ item.listen | default('80') }};\n    server_name {{ item.server_name_redirect }};\n    return 301 $scheme://{{ item.server_name }}$request_uri;\n}\n{% endif %}\n{% endblock %}\n{% block server_basic %}\n{% endblock %}\n",
    );
    write(
        dir.path(),
        "templates/www.conf.j2",
        "[{{ pool_name }}]\nlisten = {{ php_fpm_listen }}\npm = dynamic\npm.max_children = {{ php_fpm_max_children }}\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("templates/vhost.j2: Jinja/Helm/ERB template: not rendered"),
        "{text}"
    );
    assert!(text.contains("nothing to lint"), "{text}");
    // CI reads stdout: a machine format still prints its (empty) report.
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(dir.path())
        .args(["--no-config", "--format", "json", "."])
        .output()
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    assert_eq!(out.status.code(), Some(0));
    // The advice to render templates is for templates: not for a folder whose name
    // holds the word, where an image of unknown configuration is all there is
    // (gdivenuto/laravel-docker-template, linted from outside).
    let parent = tempfile::tempdir().expect("tmp");
    let named = parent.path().join("laravel-docker-template");
    write(
        &named,
        "docker-compose.yml",
        "services:\n  phpmyadmin:\n    image: phpmyadmin:latest\n",
    );
    let (text, code) = run_in(
        parent.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "laravel-docker-template",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("nothing to lint"), "{text}");
    assert!(!text.contains("To lint templates"), "{text}");
    let empty = tempfile::tempdir().expect("tmp");
    write(empty.path(), "README.md", "# nothing here\n");
    let (text, code) = run_in(empty.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 2, "{text}");
}

/// A snippet linted on its own cannot see what its includer defines: the official
/// image's `log_format main`, Magento's `$MAGE_ROOT` and `upstream fastcgi_backend` are
/// notes, not errors (triage 18c: 5 of Magento's sample's 9 findings). In a main file,
/// which includes nothing that could define them, they stay errors.
#[test]
fn names_a_lone_snippet_cannot_see_are_notes() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "default.conf",
        "server {\n    listen 80;\n    access_log /var/log/nginx/host.access.log main;\n    root $MAGE_ROOT/pub;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass fastcgi_backend;\n    }\n}\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--nginx",
            "default.conf",
        ],
    );
    assert!(
        text.contains("NGX014 [note] unknown log format \"main\""),
        "{text}"
    );
    assert!(
        text.contains("NGX024 [note] unknown \"MAGE_ROOT\" variable"),
        "{text}"
    );
    assert!(
        text.contains("NGX014 [note] no port in upstream \"fastcgi_backend\""),
        "{text}"
    );
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        access_log /var/log/nginx/host.access.log main;\n    }\n}\n",
    );
    let (text, _) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--nginx",
            "nginx.conf",
        ],
    );
    assert!(
        text.contains("NGX014 [error] unknown log format \"main\""),
        "{text}"
    );
}

/// Path mode on a lone site file (what pre-commit and editors pass) judges it as
/// `--nginx FILE` does: the http-level `map`, `upstream` and `log_format` live in the
/// nginx.conf that includes it, which the repository does not hold (vichan's
/// `$x_request_id` is a map in a sibling file, maxpou's upstream is written by its
/// Dockerfile). `${APP_ROOT}` is named as an envsubst placeholder; a relative include
/// is the includer's directory's (roeldev's `include app.conf;`). DD's corpus: 7 false
/// errors in 5 files.
#[test]
fn a_lone_site_in_path_mode_is_judged_as_with_nginx() {
    let dir = tempfile::tempdir().expect("tmp");
    let site = "server {\n    listen 80;\n    root ${APP_ROOT};\n    include app.conf;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_param X_REQ $x_request_id;\n        fastcgi_pass php-upstream;\n    }\n}\n";
    write(dir.path(), "site.conf", site);
    for args in [
        &["--no-config", "--format", "concise", "site.conf"][..],
        &["--no-config", "--format", "concise", "--nginx", "site.conf"][..],
    ] {
        let (text, code) = run_in(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {text}");
        for expected in [
            "site.conf:3:10: NGX024 [note] unknown \"APP_ROOT\" variable",
            "NGX024 [note] unknown \"x_request_id\" variable",
            "NGX014 [note] no port in upstream \"php-upstream\"",
            "site.conf:4:5: NGX005 [note] \"app.conf\" is read from the directory of the nginx.conf that includes this file",
        ] {
            assert!(text.contains(expected), "{args:?}: {expected}\n{text}");
        }
        assert!(!text.contains("[error]"), "{args:?}: {text}");
    }
    // The envsubst note on `${APP_ROOT}` only, not on the lower-case variable.
    let (json, _) = run_in(
        dir.path(),
        &["--no-config", "--format", "json", "site.conf"],
    );
    let report: serde_json::Value = serde_json::from_str(
        json.lines()
            .skip_while(|l| !l.starts_with('{'))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .expect("json");
    let notes_of = |name: &str| {
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["message"].as_str().is_some_and(|m| m.contains(name)))
            .map(|d| d["notes"].to_string())
            .unwrap_or_default()
    };
    assert!(notes_of("APP_ROOT").contains("envsubst"), "{json}");
    assert!(!notes_of("x_request_id").contains("envsubst"), "{json}");
    // With the nginx.conf that includes it, a name nothing defines is an error again.
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
    );
    write(
        dir.path(),
        "conf.d/site.conf",
        "server {\n    listen 80;\n    root /app;\n    add_header X-Req $x_request_id;\n}\n",
    );
    std::fs::remove_file(dir.path().join("site.conf")).expect("rm");
    let (text, code) = run_in(
        dir.path(),
        &["--no-config", "--format", "concise", "conf.d/site.conf"],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("NGX024 [error] unknown \"x_request_id\" variable"),
        "{text}"
    );
}

/// A location-level snippet named on the command line (Magento's nginx.conf.sample,
/// vesta's phpmyadmin.inc) makes no deployment; it was "no nginx or php-fpm
/// configuration found in DIR" with exit 2. It is linted on its own, as `--nginx` does.
/// A named file that is no configuration is named in the message, not its folder.
#[test]
fn a_named_location_snippet_is_linted_on_its_own() {
    let dir = tempfile::tempdir().expect("tmp");
    let snippet = "root /app/pub;\nlocation ~ \\.php$ {\n    include fastcgi_params;\n    fastcgi_pass 127.0.0.1:9000;\n}\n";
    write(dir.path(), "snippet.conf", snippet);
    write(dir.path(), "phpmyadmin.inc", snippet);
    for file in ["snippet.conf", "phpmyadmin.inc"] {
        let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", file]);
        assert_eq!(code, 1, "{file}: {text}");
        assert!(
            text.contains(&format!("{file}:4:18: NGX201 [error]")),
            "{file}: {text}"
        );
    }
    // Source code named by mistake is still no nginx file.
    write(
        dir.path(),
        "index.php",
        "<?php\nreturn 1;\ninclude 'x.php';\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "index.php"]);
    assert_eq!(code, 2, "{text}");
    write(dir.path(), "notes.conf", "hello world\n");
    let (text, code) = run_in(dir.path(), &["--no-config", "notes.conf"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("no nginx or php-fpm configuration found in notes.conf"),
        "{text}"
    );
}

/// Three includes of files the deployment does not provide are three notes, not one
/// with two hidden related places (million12's vhost-default.conf: the concise output
/// showed the first only).
#[test]
fn each_include_not_provided_is_its_own_note() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "site.conf",
        "server {\n    listen 80;\n    root /app;\n    include /etc/nginx/conf.d/php-location.conf;\n    include /etc/nginx/conf.d/stub-status.conf;\n    include /etc/nginx/conf.d/fpm-status.conf;\n}\n",
    );
    // `--nginx` on a file outside /etc: the includes name the machine it is deployed to,
    // not the one running the linter (three NGX002 errors where nginx was installed).
    for args in [
        &["--no-config", "--format", "concise", "site.conf"][..],
        &["--no-config", "--format", "concise", "--nginx", "site.conf"][..],
    ] {
        let (text, code) = run_in(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {text}");
        for (line, file) in [
            (4, "php-location.conf"),
            (5, "stub-status.conf"),
            (6, "fpm-status.conf"),
        ] {
            assert!(
                text.contains(&format!(
                    "site.conf:{line}:5: NGX005 [note] \"/etc/nginx/conf.d/{file}\""
                )),
                "{args:?} {file}: {text}"
            );
        }
    }
}

/// `--nginx` and `--fpm` on a Jinja/Go template say it is one and pass it over, as a
/// repository's templates are (syncloud/freshrss's Go-templated nginx.conf was 64
/// parse errors with `--nginx`).
#[test]
fn a_template_named_with_nginx_is_passed_over_with_a_note() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "pid {{ .DataDir }}/nginx.pid;\nevents {}\nhttp {\n    server {\n        listen {{ .Port }};\n        root /app;\n    }\n}\n",
    );
    write(
        dir.path(),
        "www.conf",
        "[www]\nlisten = {{ php_socket }}\n{% if dev %}\npm = dynamic\n{% endif %}\n",
    );
    let (text, code) = run_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "concise",
            "--nginx",
            "nginx.conf",
            "--fpm",
            "www.conf",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("nginx.conf: Jinja/Go template markers: not rendered, not linted"),
        "{text}"
    );
    assert!(
        text.contains("www.conf: Jinja/Go template markers: not rendered, not linted"),
        "{text}"
    );
    assert!(!text.contains("[error]"), "{text}");
}

/// `--env` reaches the nginx image's templates as Compose's shell variables do (they win
/// over `.env` and `environment:`).
#[test]
fn env_values_reach_nginx_templates() {
    let repos =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repos/nginx-templates-envsubst");
    let (clean, code) = run_in(&repos, &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{clean}");
    let (moved, code) = run_in(
        &repos,
        &[
            "--no-config",
            "--format",
            "concise",
            "--env",
            "PHP_PORT=9001",
            ".",
        ],
    );
    assert_eq!(code, 1, "{moved}");
    assert!(
        moved.contains("X021") && moved.contains("php:9001"),
        "{moved}"
    );
}

/// Reproductions of what linting real public repositories showed (each was a false
/// finding or a deployment assembled wrong); each must stay fixed.
mod real_world {
    use super::{run_in, write};

    fn lint(files: &[(&str, &str)]) -> (String, i32) {
        let dir = tempfile::tempdir().expect("tmp");
        for (path, text) in files {
            write(dir.path(), path, text);
        }
        run_in(dir.path(), &["--no-config", "--format", "concise", "."])
    }

    const SITE: &str = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass php:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";

    /// `${NAME:-default}` in an nginx file is rendered only when the container's start
    /// renders it (envplate's `ep`, dockerize, gomplate): the official nginx image alone
    /// reads it as written, and nginx -t fails on it (regression check of session 26).
    /// envplate's rendering is known (session 37): the value the environment gives, else
    /// the default; a name with neither leaves the file unknown, passed over.
    #[test]
    fn shell_defaults_are_a_template_only_where_something_renders_them() {
        let site = |set: &str| {
            format!("server {{\n    listen 80;\n    rewrite_log ${{REWRITE_LOG:-off}};\n    {set}\n    location /a {{ return 204; }}\n    location /a {{ return 204; }}\n}}\n")
        };
        let plain = "FROM nginx:1.25\nCOPY default.conf /etc/nginx/conf.d/default.conf\n";
        let with_default = site("set $env ${APP_ENV:-prod};");
        let (text, _) = lint(&[("Dockerfile", plain), ("default.conf", &with_default)]);
        assert!(text.contains("NGX014"), "{text}");
        assert!(text.contains("NGX017"), "{text}");
        let rendered = |env: &str| {
            format!("FROM nginx:1.25\n{env}COPY --from=hairyhenderson/envplate /bin/ep /bin/ep\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCOPY render.sh /docker-entrypoint.d/70-render.sh\n")
        };
        let hook = ("render.sh", "#!/bin/sh\nep /etc/nginx/conf.d/*\n");
        // Rendered with the defaults: `rewrite_log off;` is read, the duplicate found.
        let (text, _) = lint(&[
            ("Dockerfile", &rendered("")),
            ("default.conf", &with_default),
            hook,
        ]);
        assert!(!text.contains("NGX014"), "{text}");
        assert!(text.contains("NGX017"), "{text}");
        // The Dockerfile's ENV wins over the default: `rewrite_log maybe;` is refused.
        let (text, _) = lint(&[
            ("Dockerfile", &rendered("ENV REWRITE_LOG=maybe\n")),
            ("default.conf", &with_default),
            hook,
        ]);
        assert!(text.contains("NGX014"), "{text}");
        // `${APP_ENV}` with no default and no value known here: passed over.
        let unknown = site("set $env ${APP_ENV};");
        let (text, _) = lint(&[
            ("Dockerfile", &rendered("")),
            ("default.conf", &unknown),
            hook,
        ]);
        assert!(!text.contains("NGX017"), "{text}");
        assert!(text.contains("(`APP_ENV`)"), "{text}");
    }

    /// LeStatV/k8s-php-fpm-drupal (Lagoon's php images): the base image's start script
    /// `/lagoon/entrypoints.sh` (not in the repository) runs `/lagoon/entrypoints/*`, where
    /// the repository places `70-php-config.sh`: `ep /usr/local/etc/php-fpm.d/*`. The pool's
    /// `${NAME:-default}` are rendered before php-fpm reads it: seven FPM011 notes before.
    /// Without that script the pool is read as written (FPM011 stays).
    #[test]
    fn pools_envplate_renders_from_a_folder_the_base_images_start_script_runs() {
        let dockerfile = |hook: &str| {
            format!("FROM amazeeio/commons AS commons\nFROM php:8.1-fpm-alpine\nCOPY --from=commons /lagoon /lagoon\nCOPY --from=commons /bin/ep /bin/\nCOPY --from=commons /sbin/tini /sbin/\n{hook}COPY php-fpm.d/www.conf /usr/local/etc/php-fpm.d/www.conf\nEXPOSE 9000\nENTRYPOINT [\"/sbin/tini\", \"--\", \"/lagoon/entrypoints.sh\"]\nCMD [\"/usr/local/sbin/php-fpm\", \"-F\", \"-R\"]\n")
        };
        let pool = "[www]\nlisten = [::]:9000\npm = dynamic\npm.max_children = ${PHP_FPM_PM_MAX_CHILDREN:-50}\npm.start_servers = ${PHP_FPM_PM_START_SERVERS:-2}\npm.min_spare_servers = 2\npm.max_spare_servers = 2\naccess.log = ${PHP_FPM_ACCESS_LOG:-/dev/null}\nclear_env = no\n";
        let hook = "#!/bin/sh\nep /usr/local/etc/php-fpm.conf\nep /usr/local/etc/php-fpm.d/*\n";
        let copy = "COPY entrypoints/70-php-config.sh /lagoon/entrypoints/\n";
        let (text, _) = lint(&[
            ("Dockerfile", &dockerfile(copy)),
            ("php-fpm.d/www.conf", pool),
            ("entrypoints/70-php-config.sh", hook),
        ]);
        assert!(!text.contains("FPM011"), "{text}");
        let (text, _) = lint(&[
            ("Dockerfile", &dockerfile("")),
            ("php-fpm.d/www.conf", pool),
            ("entrypoints/70-php-config.sh", hook),
        ]);
        assert!(text.contains("FPM011"), "{text}");
    }

    /// nlzet/docker-lemp-stack (Compose format 1): a `backup` service of an image this
    /// data does not know takes every volume of nginx and the php services
    /// (`volumes_from`): their nginx and pool folders are no evidence that it runs either,
    /// and it was paired with itself and with nginx as a php-fpm container. A service that
    /// mounts the pools itself still counts.
    #[test]
    fn volumes_taken_from_other_services_are_no_evidence_of_php_fpm() {
        let compose = |backup_mounts: &str| {
            format!("backup:\n  image: kreable/backup\n  volumes_from:\n    - nginx\n    - php70\n{backup_mounts}nginx:\n  image: kreable/nginx\n  volumes:\n    - ./config/nginx:/etc/nginx\n  links:\n    - php70\nphp70:\n  image: kreable/php70\n  volumes:\n    - ./config/pool70/:/etc/php/7.0/fpm/pool.d\n")
        };
        let nginx = "events {}\nhttp {\n    server {\n        listen 80;\n        root /var/www;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass php70:9001;\n        }\n    }\n}\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 9001\npm = static\npm.max_children = 5\n";
        let files = |compose: &str| {
            lint(&[
                ("docker-compose.yml", compose),
                ("config/nginx/nginx.conf", nginx),
                ("config/pool70/9001-default.conf", pool),
            ])
            .0
        };
        let text = files(&compose(""));
        assert!(!text.contains("backup →"), "{text}");
        assert!(!text.contains("→ backup"), "{text}");
        assert!(text.contains("nginx → php70"), "{text}");
        let own = "  volumes:\n    - ./config/pool70/:/etc/php/7.0/fpm/pool.d\n";
        let text = files(&compose(own));
        assert!(text.contains("→ backup"), "{text}");
    }

    /// thePITmanSolutions/laravel-docker-nginx-php-fpm-opcache: `FROM php:8.2-fpm`, `WORKDIR
    /// /app`, `COPY . .`, `ENTRYPOINT ["docker/entrypoint.sh"]` (run from the WORKDIR),
    /// whose last lines are `php-fpm -D` and `nginx -g "daemon off;"`; nothing installs
    /// nginx, so the container's start fails (checked: sh says `nginx: not found`, bash
    /// `command not found`, both exit 127). A note says so; an image whose build installs
    /// nginx, copies from another image, or starts from an image with nginx says nothing.
    #[test]
    fn nginx_started_in_the_official_php_image_without_installing_it() {
        let dockerfile = |extra: &str, from: &str| {
            format!("FROM {from}\n{extra}COPY ./docker/nginx/nginx.conf /etc/nginx/nginx.conf\nWORKDIR /app\nCOPY . .\nENTRYPOINT [ \"docker/entrypoint.sh\" ]\n")
        };
        let entrypoint = "#!/bin/bash\nphp artisan migrate\nphp-fpm -D\nnginx -g \"daemon off;\"\n";
        let nginx = "events {}\nhttp {\n    server {\n        listen 8080;\n        root /app/public;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n}\n";
        let run = |df: &str| {
            lint(&[
                ("Dockerfile", df),
                ("docker/entrypoint.sh", entrypoint),
                ("docker/nginx/nginx.conf", nginx),
            ])
            .0
        };
        let said = "starts nginx, but the image (php:8.2-fpm, the official php image) has no nginx";
        let text = run(&dockerfile("", "php:8.2-fpm"));
        assert!(text.contains(said), "{text}");
        let text = run(&dockerfile(
            "RUN apt-get update && apt-get install -y nginx\n",
            "php:8.2-fpm",
        ));
        assert!(!text.contains("has no nginx"), "{text}");
        let text = run(&dockerfile(
            "COPY --from=nginx:1.27 /usr/sbin/nginx /usr/sbin/nginx\n",
            "php:8.2-fpm",
        ));
        assert!(!text.contains("has no nginx"), "{text}");
        let text = run(&dockerfile("", "webdevops/php-nginx:8.2"));
        assert!(!text.contains("has no nginx"), "{text}");
    }

    /// paliari-ti/docker-php-fpm-nginx: `FROM php:7.4-fpm-alpine3.12` + `apk add nginx` and
    /// the site in `/etc/nginx/conf.d/`, which Alpine's nginx.conf included before 3.14
    /// (http.d after). The image's php-fpm stays the official one, and the move of the
    /// sites folder was dropped with the packages' php side: a false NGX215 "never
    /// loaded". On Alpine 3.20 the site is not loaded indeed.
    #[test]
    fn an_older_alpine_php_image_with_apk_nginx_reads_conf_d() {
        let dockerfile = |tag: &str| {
            format!("FROM php:7.4-fpm-{tag}\nRUN apk add --no-cache nginx\nADD site.conf /etc/nginx/conf.d/default.conf\nCMD [\"sh\", \"-c\", \"php-fpm -D; nginx -g 'daemon off;'\"]\n")
        };
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let lint_on = |tag: &str| lint(&[("Dockerfile", &dockerfile(tag)), ("site.conf", site)]).0;
        let text = lint_on("alpine3.12");
        assert!(!text.contains("NGX215"), "{text}");
        assert!(text.contains("X027"), "{text}");
        let text = lint_on("alpine3.20");
        assert!(text.contains("NGX215"), "{text}");
    }

    /// marcortola/docker-php-fpm-nginx-wordpress keeps its PHP location's body as a snippet
    /// (`fastcgi_pass $default_fastcgi_pass; include fastcgi_params; ...`) that an image
    /// not known here includes: linted on its own inside a location wrapper, its
    /// `include` is not provided (NGX005), yet the wrapper's location was judged as
    /// sending nothing (a false NGX225 error). Here the include names a file a lone
    /// snippet cannot see; the same snippet with a parameter written out instead is judged.
    #[test]
    fn a_location_snippet_whose_include_is_not_provided_is_not_judged() {
        let dir = tempfile::tempdir().expect("tmp");
        let snippet = |params: &str| {
            format!("try_files $uri =404;\nfastcgi_pass 127.0.0.1:9000;\n{params}\nfastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n")
        };
        write(dir.path(), "php.conf", &snippet("include php_params;"));
        let args = [
            "--no-config",
            "--format",
            "concise",
            "--nginx",
            "php.conf",
            "--context",
            "location",
        ];
        let (text, _) = run_in(dir.path(), &args);
        assert!(text.contains("NGX005"), "{text}");
        assert!(!text.contains("NGX225"), "{text}");
        write(
            dir.path(),
            "php.conf",
            &snippet("fastcgi_param QUERY_STRING $query_string;"),
        );
        let (text, _) = run_in(dir.path(), &args);
        assert!(text.contains("NGX225"), "{text}");
    }

    /// What the servers a start script runs inherit: its exports over the container's
    /// environment (kristophjunge/docker-mediawiki's `A=${A:="100M"}; export A`), here as
    /// `: ${A:=v}` + `export A`; a value it computes (`A=$(cat …)`) leaves the
    /// environment's as it was. php.ini reads them as `${A}`.
    #[test]
    fn the_servers_inherit_the_start_script_exports() {
        let dockerfile = "FROM php:8.2-fpm\nENV UP=64M\nRUN apt-get update && apt-get install -y nginx\nCOPY site.conf /etc/nginx/sites-enabled/default\nCOPY php.ini /usr/local/etc/php/php.ini\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n";
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    client_max_body_size 8m;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let lint_with = |ini: &str, script: &str| {
            lint(&[
                ("Dockerfile", dockerfile),
                ("site.conf", site),
                ("php.ini", ini),
                ("start.sh", script),
            ])
            .0
        };
        let text = lint_with(
            "upload_max_filesize = ${UP2}\npost_max_size = ${UP2}\n",
            "#!/bin/sh\n: ${UP2:=100M}\nexport UP2\nphp-fpm -D\nexec nginx -g 'daemon off;'\n",
        );
        assert!(
            text.contains("X030") && text.contains("up to 100M"),
            "{text}"
        );
        let text = lint_with(
            "upload_max_filesize = ${UP}\npost_max_size = ${UP}\n",
            "#!/bin/sh\nUP=$(cat /etc/up)\nexport UP\nphp-fpm -D\nexec nginx -g 'daemon off;'\n",
        );
        assert!(
            text.contains("X030") && text.contains("up to 64M"),
            "{text}"
        );
    }

    /// sureddy1/php-fpm-nginx-redis-apcu: a `php:*-fpm` image that gets nginx only as the
    /// dependency of a module package (`apt install -y libnginx-mod-http-cache-purge`).
    /// nginx was not seen as installed: `fastcgi_cache_purge` was an unknown directive
    /// (NGX010) and `fastcgi.conf`, `mime.types` files nothing provided (NGX005). With
    /// `nginx` alone installed the module's directive is still unknown.
    #[test]
    fn a_module_package_installs_nginx_and_its_module() {
        let dockerfile = |packages: &str| {
            format!("FROM php:7.4-fpm\nRUN apt update \\\n    && apt install -y {packages}\nCOPY nginx.conf /etc/nginx/\nCOPY default.conf /etc/nginx/conf.d/\nCMD [\"sh\", \"-c\", \"php-fpm -D && nginx -g 'daemon off;'\"]\n")
        };
        let main = "user www-data;\ninclude /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    fastcgi_cache_path /var/cache/fcgi keys_zone=wp:10m;\n    include /etc/nginx/conf.d/*.conf;\n}\n";
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass 127.0.0.1:9000;\n        fastcgi_cache wp;\n        fastcgi_cache_key $request_uri;\n    }\n    location ~ /purge(/.*) {\n        allow 127.0.0.1;\n        deny all;\n        fastcgi_cache_purge wp \"$1\";\n    }\n}\n";
        let lint_with = |packages: &str| {
            lint(&[
                ("Dockerfile", &dockerfile(packages)),
                ("nginx.conf", main),
                ("default.conf", site),
            ])
            .0
        };
        let text = lint_with("redis libnginx-mod-http-cache-purge");
        assert!(!text.contains("NGX010"), "{text}");
        assert!(!text.contains("NGX005"), "{text}");
        let text = lint_with("redis nginx");
        assert!(text.contains("NGX010"), "{text}");
        assert!(text.contains("fastcgi_cache_purge"), "{text}");
    }

    /// PM-Connect/docker-php-nginx: the build COPYs its files to `/ops/files/`, `RUN cp`s
    /// the start script to `/entrypoint.sh` and removes the image's php-fpm.conf; the
    /// shell-form `ENTRYPOINT /php-fpm_exporter ... & /entrypoint.sh` runs the script, which exports
    /// `APPLICATION_ROOT="${PROJECT_DIR:-/var/app}"` and renders php-fpm.conf and the pool
    /// with envsubst. The script was never found: php-fpm.conf was a false FPM005 error.
    /// Without the `cp`, nothing places the script and the error stays.
    #[test]
    fn start_script_copied_by_run_cp_and_run_after_a_shell_form_background_job() {
        let dockerfile = |cp: &str| {
            format!("FROM php:8.2-fpm-alpine\nCOPY ./entrypoint.sh ./php-fpm.conf.template ./www.conf.template /ops/files/\nRUN apk add --no-cache gettext \\\n  {cp}&& rm -rf /usr/local/etc/php-fpm.conf /usr/local/etc/php-fpm.d/www.conf /usr/local/etc/php-fpm.d/zz-docker.conf\nENTRYPOINT /php-fpm_exporter server --phpfpm.scrape-uri=\"tcp://127.0.0.1:9000/status\" & /entrypoint.sh\n")
        };
        let entrypoint = "#!/bin/bash\nset -e\nexport APPLICATION_ROOT=\"${PROJECT_DIR:-/var/app}\"\nexport PHP_FPM_PM_MAX_CHILDREN=\"${PHP_FPM_PM_MAX_CHILDREN:-8}\"\nenvsubst '${APPLICATION_ROOT},${PHP_FPM_PM_MAX_CHILDREN}' < /ops/files/www.conf.template > /usr/local/etc/php-fpm.d/www.conf\nenvsubst '' < /ops/files/php-fpm.conf.template > /usr/local/etc/php-fpm.conf\nexec php-fpm -R --nodaemonize\n";
        let global =
            "[global]\nerror_log = /proc/self/fd/2\ndaemonize = no\ninclude=etc/php-fpm.d/*.conf\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}\nchdir = ${APPLICATION_ROOT}\n";
        let lint_with = |cp: &str| {
            lint(&[
                ("Dockerfile", &dockerfile(cp)),
                ("entrypoint.sh", entrypoint),
                ("php-fpm.conf.template", global),
                ("www.conf.template", pool),
            ])
            .0
        };
        let text = lint_with("&& cp /ops/files/entrypoint.sh /entrypoint.sh ");
        assert!(text.contains("[./Dockerfile (php-fpm only)]"), "{text}");
        assert!(!text.contains("FPM005"), "{text}");
        assert!(!text.contains("FPM009"), "{text}");
        let text = lint_with("");
        assert!(text.contains("FPM005"), "{text}");
    }

    /// City-of-Helsinki/drupal-docker-images: `COPY files/ /` places the start script
    /// `/usr/local/bin/entrypoint`, run under `tini --`, which sources every script of
    /// `/entrypoints/`; one of them renders the site with envplate (`ep
    /// /etc/nginx/http.d/default.conf`). Read as written, `root
    /// ${WEBROOT:-/var/www/html/public};` was a false NGX014. Rendered with the default
    /// (session 37) the site is read and its duplicate location found; without the `ep`
    /// line it is read as written (NGX014 on the placeholder).
    #[test]
    fn shell_defaults_rendered_by_a_script_the_start_script_runs_from_a_folder() {
        let site = "server {\n    listen 80;\n    root ${WEBROOT:-/var/www/html/public};\n    location /a { return 204; }\n    location /a { return 204; }\n}\n";
        let dockerfile = "FROM nginx:1.25-alpine\nRUN apk add --no-cache tini\nCOPY --from=hairyhenderson/envplate /bin/ep /usr/local/bin/ep\nCOPY files/ /\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nCMD [\"entrypoint\"]\n";
        let entrypoint = "#!/bin/sh\nif [ -d /entrypoints ]; then\n  for i in /entrypoints/*; do\n    if [ -r $i ]; then\n      . $i\n    fi\n  done\nfi\nexec \"$@\"\n";
        let lint_with_hook = |hook: &str| {
            lint(&[
                ("Dockerfile", dockerfile),
                ("files/etc/nginx/conf.d/default.conf", site),
                ("files/usr/local/bin/entrypoint", entrypoint),
                ("files/entrypoints/20-prepare-nginx.sh", hook),
                (
                    "files/entrypoints/99-nginx.sh",
                    "#!/bin/sh\nnginx -g 'daemon off;'\n",
                ),
            ])
            .0
        };
        // Rendered with its default (`root /var/www/html/public;`), the site is read.
        let text = lint_with_hook("#!/bin/sh\nep /etc/nginx/conf.d/default.conf\n");
        assert!(!text.contains("NGX014"), "{text}");
        assert!(text.contains("NGX017"), "{text}");
        let text = lint_with_hook("#!/bin/sh\necho preparing nginx\n");
        assert!(text.contains("NGX014"), "{text}");
        assert!(text.contains("NGX017"), "{text}");
    }

    /// The official nginx image runs the `/docker-entrypoint.d/*.sh` hooks a repository
    /// places before nginx starts: humhub's renders nginx.conf in place (`envsubst
    /// "$defined_envs" < nginx.conf > /tmp/x; cat /tmp/x > nginx.conf`) and makes the file
    /// of allowed addresses it includes (`touch`, `echo ... >>`). Read as written, the
    /// placeholders were two false errors and a false X013; the made file a false NGX002.
    #[test]
    fn nginx_image_entrypoint_hooks_render_and_make_files() {
        let dockerfile = "FROM nginx:1.27-alpine\nENV NGINX_UPSTREAM=php:9000 NGINX_CLIENT_MAX_BODY_SIZE=10m\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY docker-entrypoint.d/ /docker-entrypoint.d/\n";
        let conf = "events {}\nhttp {\n    client_max_body_size ${NGINX_CLIENT_MAX_BODY_SIZE};\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            include allowedips.conf;\n            deny all;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass ${NGINX_UPSTREAM};\n        }\n    }\n}\n";
        let hook = "#!/bin/sh\nset -e\ndefined_envs=$(printf \"\\${%s} \" $(env | grep -E \"^NGINX_.*\" | cut -d= -f1))\nenvsubst \"$defined_envs\" </etc/nginx/nginx.conf >/tmp/nginx.conf\ncat /tmp/nginx.conf >/etc/nginx/nginx.conf\nrm /tmp/nginx.conf\ntouch /etc/nginx/allowedips.conf\necho \"allow 127.0.0.1;\" >> /etc/nginx/allowedips.conf\n";
        use std::os::unix::fs::PermissionsExt;
        let lint_with_mode = |dockerfile: &str, mode: u32| {
            let dir = tempfile::tempdir().expect("tmp");
            write(dir.path(), "Dockerfile", dockerfile);
            write(dir.path(), "nginx.conf", conf);
            write(dir.path(), "docker-entrypoint.d/60-nginx-config.sh", hook);
            let hook_path = dir.path().join("docker-entrypoint.d/60-nginx-config.sh");
            std::fs::set_permissions(&hook_path, std::fs::Permissions::from_mode(mode))
                .expect("chmod");
            run_in(dir.path(), &["--no-config", "--format", "concise", "."]).0
        };
        let text = lint_with_mode(dockerfile, 0o755);
        for absent in ["NGX014", "NGX002", "X013", "NGX024"] {
            assert!(!text.contains(absent), "{absent}: {text}");
        }
        // A hook that is not executable is skipped by the entrypoint ("Ignoring ..., not
        // executable"), and a command that does not start nginx skips the entrypoint's
        // hooks altogether: the placeholders stay as written.
        assert!(lint_with_mode(dockerfile, 0o644).contains("NGX014"));
        let custom = format!("{dockerfile}CMD [\"/bin/sh\", \"-c\", \"sleep 1\"]\n");
        let text = lint_with_mode(&custom, 0o755);
        assert!(text.contains("NGX014"), "{text}");
    }

    /// nginx's Docker Hub recipe before its templates folder: `sh -c "envsubst <
    /// site.template > conf.d/default.conf && exec nginx -g 'daemon off;'"` in a Compose `command:`, a
    /// Dockerfile's CMD (shell or exec form), or an entrypoint script through a shell
    /// function (bolt's `substitute_environment_variables < ... > ...`). The rendered site
    /// was never linted: "No problems found." for a host nginx cannot resolve (triage Y).
    #[test]
    fn sh_c_commands_and_shell_function_renders_are_followed() {
        let template = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass ${PHP_HOST}:9000;\n    }\n}\n";
        let php = "  php:\n    image: php:8.2-fpm\n    volumes:\n      - ./src:/var/www/html\n";
        for host in ["phpx", "php"] {
            let compose = format!("services:\n  web:\n    image: nginx:1.25\n    command: /bin/sh -c \"envsubst '$$PHP_HOST' < /etc/nginx/conf.d/site.template > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'\"\n    environment:\n      - PHP_HOST={host}\n    volumes:\n      - ./site.template:/etc/nginx/conf.d/site.template:ro\n      - ./src:/var/www/html\n{php}");
            let dockerfile = format!("FROM nginx:1.25\nENV PHP_HOST={host}\nRUN rm /etc/nginx/conf.d/default.conf\nCOPY site.template /etc/nginx/conf.d/site.template\nCMD /bin/bash -c \"envsubst '$PHP_HOST' < /etc/nginx/conf.d/site.template > /etc/nginx/conf.d/site.conf && exec nginx -g 'daemon off;'\"\n");
            let exec_form = format!("FROM nginx:1.25\nENV PHP_HOST={host}\nCOPY site.template /etc/nginx/conf.d/site.template\nCMD [\"/bin/sh\", \"-c\", \"envsubst < /etc/nginx/conf.d/site.template > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'\"]\n");
            let built = format!("services:\n  web:\n    build: ./nginx\n    volumes:\n      - ./src:/var/www/html\n{php}");
            let entrypoint = format!("services:\n  web:\n    image: nginx:alpine\n    environment:\n      PHP_HOST: {host}\n    volumes:\n      - ./docker/nginx:/etc/nginx/conf.d\n      - ./src:/var/www/html\n    entrypoint:\n      - sh\n      - /etc/nginx/conf.d/entrypoint.sh\n{php}");
            let script = "#!/usr/bin/env sh\n\nsubstitute_environment_variables()\n{\n    envsubst $(printenv | cut -f1 -d'=' | sed 's/.*/\\\\${&}/' | tr '\\n' ',')\n}\n\nset -e\nsubstitute_environment_variables < /etc/nginx/conf.d/default.conf.template > /etc/nginx/conf.d/default.conf\nnginx -g 'daemon off;'\n";
            // A function called with no arguments renders what its body names, closed by
            // `} # comment`; `;` separates commands and `-ec` holds `-c`.
            let function_body = "#!/bin/sh\nset -e\nrender_site() {\n    envsubst '$PHP_HOST' < /etc/nginx/conf.d/default.conf.template > /etc/nginx/conf.d/default.conf\n} # render\n\nrender_site\nexec nginx -g 'daemon off;'\n";
            let semicolons = compose
                .replace(" && exec nginx", "; exec nginx")
                .replace("/bin/sh -c", "/bin/sh -ec");
            // A script run by `sh` whose CMD (its arguments) holds a `-c` of nginx's.
            let script_then_cmd = format!("FROM nginx:1.25\nENV PHP_HOST={host}\nCOPY site.template /etc/nginx/site.template\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"sh\", \"/entrypoint.sh\"]\nCMD [\"nginx\", \"-c\", \"/etc/nginx/nginx.conf\", \"-g\", \"daemon off;\"]\n");
            let renders_then_execs = "#!/bin/sh\nenvsubst '$PHP_HOST' < /etc/nginx/site.template > /etc/nginx/conf.d/default.conf\nexec \"$@\"\n";
            let cases: [Vec<(&str, &str)>; 7] = [
                vec![
                    ("docker-compose.yml", &built),
                    ("nginx/Dockerfile", &script_then_cmd),
                    ("nginx/site.template", template),
                    ("nginx/entrypoint.sh", renders_then_execs),
                ],
                vec![
                    ("compose.yml", &entrypoint),
                    ("docker/nginx/entrypoint.sh", function_body),
                    ("docker/nginx/default.conf.template", template),
                ],
                vec![
                    ("docker-compose.yml", &semicolons),
                    ("site.template", template),
                ],
                vec![
                    ("docker-compose.yml", &compose),
                    ("site.template", template),
                ],
                vec![
                    ("docker-compose.yml", &built),
                    ("nginx/Dockerfile", &dockerfile),
                    ("nginx/site.template", template),
                ],
                vec![
                    ("docker-compose.yml", &built),
                    ("nginx/Dockerfile", &exec_form),
                    ("nginx/site.template", template),
                ],
                vec![
                    ("compose.yml", &entrypoint),
                    ("docker/nginx/entrypoint.sh", script),
                    ("docker/nginx/default.conf.template", template),
                ],
            ];
            for (i, files) in cases.iter().enumerate() {
                let mut files = files.clone();
                files.push(("src/index.php", "<?php echo 1;\n"));
                let (text, status) = lint(&files);
                if host == "phpx" {
                    assert!(text.contains("X020"), "case {i}: {text}");
                    assert_eq!(status, 1, "case {i}: {text}");
                } else {
                    assert_eq!(status, 0, "case {i}: {text}");
                }
            }
        }
    }

    /// A Helm chart that keeps nginx's site as a string in values.yaml (chatwork/charts'
    /// php chart, rendered with `tpl`): a template not linted, said so with the way to
    /// render it, exit 0 (it was "no nginx or php-fpm configuration found", exit 2).
    #[test]
    fn helm_values_that_carry_configuration_are_templates() {
        let values = "nginx:\n  configMaps:\n    default.conf: |\n      server {\n          listen 80;\n          location ~ \\.php$ {\n              fastcgi_pass unix:/run/php.sock;\n          }\n      }\n";
        let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-nginx\ndata:\n{{- range $name, $tmpl := .Values.nginx.configMaps }}\n  {{ $name }}: |\n    {{- tpl $tmpl $ | nindent 4 }}\n{{- end }}\n";
        let (text, status) = lint(&[
            ("Chart.yaml", "apiVersion: v2\nname: php\nversion: 0.1.0\n"),
            ("values.yaml", values),
            ("templates/configmap-nginx.yaml", template),
        ]);
        assert_eq!(status, 0, "{text}");
        assert!(text.contains("values.yaml: Helm chart values"), "{text}");
        assert!(text.contains("helm template"), "{text}");
    }

    /// A template of the repository named after the stock site its folder replaces
    /// (`conf.d/default.conf.template`, whose stock `default.conf` is removed) is placed
    /// under that name, not as an invented `default-2.conf` that notes then named
    /// (rewardenv/reward, triage Y).
    #[test]
    fn a_site_replacing_a_removed_stock_file_keeps_its_name() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "etc/nginx/nginx.conf",
            "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
        );
        write(
            dir.path(),
            "etc/nginx/conf.d/default.conf.template",
            "server {\n    listen 80;\n    root {{ getenv \"NGINX_ROOT\" }};\n}\n",
        );
        let (text, _) = super::run_in(dir.path(), &["deployments", "."]);
        assert!(!text.contains("default-2.conf"), "{text}");
        assert!(
            text.contains(
                "/etc/nginx/conf.d/default.conf ← etc/nginx/conf.d/default.conf.template"
            ),
            "{text}"
        );
    }

    /// A `sites-enabled/` that git keeps with a `.gitkeep` enables nothing: the sites in
    /// `sites-available/` are linted each on its own, as with no `sites-enabled/` at all
    /// (deliciousbrains/wordpress-nginx: "No problems found." for six sites never read,
    /// triage Y). A real link there still enables only its site.
    #[test]
    fn an_empty_sites_enabled_enables_nothing() {
        let main = "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n";
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n    }\n}\n";
        let (text, _) = lint(&[
            ("nginx.conf", main),
            ("sites-available/example.com", site),
            ("sites-enabled/.gitkeep", ""),
        ]);
        assert!(text.contains("sites-available/example.com:"), "{text}");
        assert!(text.contains("NGX201"), "{text}");
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "nginx.conf", main);
        write(dir.path(), "sites-available/example.com", site);
        write(
            dir.path(),
            "sites-available/other.com",
            "server {\n    listen 80;\n    acess_log off;\n}\n",
        );
        std::fs::create_dir_all(dir.path().join("sites-enabled")).expect("mkdir");
        std::os::unix::fs::symlink(
            "../sites-available/other.com",
            dir.path().join("sites-enabled/other.com"),
        )
        .expect("link");
        let (text, _) = super::run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(text.contains("NGX010"), "{text}");
        assert!(!text.contains("NGX201"), "{text}");
    }

    /// An image of no known maker whose name says php-fpm is taken to keep the official php
    /// image's files; what rests on those guessed files is a note. `wyveo/nginx-php-fpm` is
    /// Debian with Sury's package (its pool on /run/php/php8.2-fpm.sock): Attendize's right
    /// `fastcgi_pass unix:` was an X002 error against the official image's port 9000
    /// (triage Y). A pool file the repository places itself is still a claim.
    #[test]
    fn findings_on_a_guessed_image_layout_are_notes() {
        let site = "server {\n    listen 80;\n    root /usr/share/nginx/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n    }\n}\n";
        let dockerfile =
            "FROM wyveo/nginx-php-fpm:php82\nCOPY default.conf /etc/nginx/conf.d/default.conf\n";
        let (text, status) = lint(&[("Dockerfile", dockerfile), ("default.conf", site)]);
        assert!(text.contains("X002 [note]"), "{text}");
        assert_eq!(status, 0, "{text}");
        let own_pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 2\n";
        let dockerfile = format!("{dockerfile}COPY www.conf /usr/local/etc/php-fpm.d/www.conf\nCOPY zz.conf /usr/local/etc/php-fpm.d/zz-docker.conf\n");
        let (text, status) = lint(&[
            ("Dockerfile", &dockerfile),
            ("default.conf", site),
            ("www.conf", own_pool),
            ("zz.conf", "[global]\ndaemonize = no\n"),
        ]);
        assert!(text.contains("X002 [error]"), "{text}");
        assert_eq!(status, 1, "{text}");
    }

    /// A `RUN <<EOF` script is read (its `apt-get install` names the servers), but a file
    /// it writes with a nested here-document (`cat > www.conf <<POOL`) is not: what
    /// rests on that file is a note, not an error (a false X002 before, session 27).
    #[test]
    fn a_file_written_inside_a_here_document_script_is_changed_at_build() {
        let dockerfile = "FROM debian:bookworm\nRUN <<EOF\napt-get update\napt-get install -y nginx php8.2-fpm\ncat > /etc/php/8.2/fpm/pool.d/www.conf <<POOL\n[www]\nuser = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 5\nPOOL\nEOF\nCOPY site.conf /etc/nginx/sites-enabled/default\nCMD [\"sh\",\"-c\",\"php-fpm8.2 && nginx -g 'daemon off;'\"]\n";
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ { include fastcgi_params; fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name; fastcgi_pass 127.0.0.1:9000; }\n}\n";
        let (text, _) = lint(&[("Dockerfile", dockerfile), ("site.conf", site)]);
        assert!(!text.contains("X002 [error]"), "{text}");
        assert!(text.contains("changed at build time"), "{text}");
    }

    /// A start script's `rm` is followed only when it always runs and nothing copies other
    /// content back: ddev removes its sites only `if` a folder is mounted, and `rm -rf
    /// conf.d && cp -r /mnt/x conf.d` leaves what is there unknown. The repository's site
    /// stays read in both (its duplicate location still found); an unconditional `rm` of
    /// Debian's default site is followed (regression check of session 26).
    #[test]
    fn start_script_removals_are_followed_only_when_unconditional() {
        let dockerfile = "FROM nginx:1.27\nCOPY site.conf /etc/nginx/conf.d/site.conf\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n";
        let site = "server {\n    listen 80;\n    location /a { return 204; }\n    location /a { return 204; }\n}\n";
        for script in [
            "#!/bin/sh\nif [ -d /mnt/custom ]; then\n  rm -rf /etc/nginx/conf.d\n  cp -r /mnt/custom /etc/nginx/conf.d\nfi\nexec nginx -g 'daemon off;'\n",
            "#!/bin/sh\nrm -rf /etc/nginx/conf.d\ncp -r /mnt/custom /etc/nginx/conf.d\nexec nginx -g 'daemon off;'\n",
        ] {
            let (text, _) = lint(&[
                ("Dockerfile", dockerfile),
                ("site.conf", site),
                ("start.sh", script),
            ]);
            assert!(text.contains("NGX017"), "{script}: {text}");
        }
        let removes = "#!/bin/sh\nrm -f /etc/nginx/conf.d/site.conf\nexec nginx -g 'daemon off;'\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("site.conf", site),
            ("start.sh", removes),
        ]);
        assert!(!text.contains("NGX017"), "{text}");
    }

    /// richarvey/nginx-php-fpm's shape on a pinned php tag of 2023: its `zz-docker.conf`
    /// (`[www] listen = 9000`, read after www.conf) overrides the pool's socket, so
    /// nginx's `fastcgi_pass unix:` finds nothing (502). Started by supervisord with
    /// `--fpm-config www.conf`, php-fpm reads www.conf alone and the socket is there.
    #[test]
    fn pinned_php_tags_keep_zz_docker_listen_unless_supervisord_names_the_pool() {
        let dockerfile = "FROM php:8.2.7-fpm-alpine3.18\nRUN apk add --no-cache nginx supervisor\nCOPY conf/supervisord.conf /etc/supervisord.conf\nCOPY conf/www.conf /usr/local/etc/php-fpm.d/www.conf\nCOPY conf/site.conf /etc/nginx/http.d/default.conf\nCMD [\"/usr/bin/supervisord\", \"-n\", \"-c\", \"/etc/supervisord.conf\"]\n";
        let pool = "[www]\nuser = nginx\ngroup = nginx\nlisten = /var/run/php-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 4\n";
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/var/run/php-fpm.sock;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let supervisord = |fpm: &str| {
            format!("[supervisord]\nnodaemon=true\n\n[program:php-fpm]\ncommand={fpm}\n\n[program:nginx]\ncommand=/usr/sbin/nginx -g \"daemon off;\"\n")
        };
        let plain = supervisord("/usr/local/sbin/php-fpm --nodaemonize");
        let (out, code) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/www.conf", pool),
            ("conf/site.conf", site),
            ("conf/supervisord.conf", &plain),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("conf/site.conf:5:") && out.contains("X002"),
            "{out}"
        );
        let named = supervisord(
            "/usr/local/sbin/php-fpm --nodaemonize --fpm-config /usr/local/etc/php-fpm.d/www.conf",
        );
        let (out, code) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/www.conf", pool),
            ("conf/site.conf", site),
            ("conf/supervisord.conf", &named),
        ]);
        assert_eq!(code, 0, "{out}");
        // Today's images (a moving tag) read docker.conf's `listen = 9000` first: the
        // pool's own socket wins.
        let moving = dockerfile.replace("8.2.7-fpm-alpine3.18", "8.2-fpm-alpine");
        let (out, code) = lint(&[
            ("Dockerfile", &moving),
            ("conf/www.conf", pool),
            ("conf/site.conf", site),
            ("conf/supervisord.conf", &plain),
        ]);
        assert_eq!(code, 0, "{out}");
    }

    /// dwchiang/nginx-php-fpm names its Dockerfiles `Dockerfile-<variant>`: read like
    /// `Dockerfile.<variant>`.
    #[test]
    fn dockerfile_dash_variant_is_a_dockerfile() {
        let (out, code) = lint(&[
            ("Dockerfile-prod", "FROM php:8.3-fpm-bookworm\nRUN apt-get update && apt-get install -y nginx\nCOPY conf/default.conf /etc/nginx/conf.d/default.conf\n"),
            ("conf/default.conf", "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9001;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n"),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("conf/default.conf:5:") && out.contains("X001"),
            "{out}"
        );
    }

    /// A php-fpm status exporter (`hipages/php-fpm_exporter`) in nginx's pod runs no
    /// php-fpm: the pod's php-fpm is the php container, whose pool has the socket.
    #[test]
    fn a_php_fpm_exporter_sidecar_runs_no_php_fpm() {
        let (out, code) = lint(&[("pod.yaml", POD_WITH_EXPORTER)]);
        assert_eq!(code, 0, "{out}");
        assert!(!out.contains("X002"), "{out}");
    }

    const POD_WITH_EXPORTER: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  default.conf: |
    server {
        listen 80;
        root /var/www/html;
        location ~ \.php$ {
            fastcgi_pass unix:/run/php/php-fpm.sock;
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
    }
  www.conf: |
    [www]
    user = www-data
    group = www-data
    listen = /run/php/php-fpm.sock
    listen.mode = 0666
    pm = static
    pm.max_children = 5
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  volumes:
  - name: cfg
    configMap:
      name: cfg
  - name: sock
    emptyDir: {}
  - name: html
    emptyDir: {}
  containers:
  - name: nginx
    image: nginx:1.25-alpine
    volumeMounts:
    - {name: cfg, mountPath: /etc/nginx/conf.d/default.conf, subPath: default.conf}
    - {name: sock, mountPath: /run/php}
    - {name: html, mountPath: /var/www/html}
  - name: php
    image: php:8.2-fpm-alpine
    volumeMounts:
    - {name: cfg, mountPath: /usr/local/etc/php-fpm.d/www.conf, subPath: www.conf}
    - {name: sock, mountPath: /run/php}
    - {name: html, mountPath: /var/www/html}
  - name: php-fpm-exporter
    image: hipages/php-fpm_exporter:2.0.3
    env:
    - {name: PHP_FPM_SCRAPE_URI, value: "unix:///run/php/php-fpm.sock;/fpm_status"}
    volumeMounts:
    - {name: sock, mountPath: /run/php}
"#;

    /// Two image folders, each with its nginx.conf and its sites: each main file runs
    /// with its own folder's sites, not with every folder's.
    #[test]
    fn loose_main_files_take_the_sites_of_their_own_folder() {
        let main = "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n";
        let dir = tempfile::tempdir().expect("tmp");
        for v in ["a", "b"] {
            write(dir.path(), &format!("images/{v}/conf/nginx.conf"), main);
            write(
                dir.path(),
                &format!("images/{v}/conf/conf.d/site.conf"),
                "server {\n    listen 80;\n    server_name example.org;\n}\n",
            );
        }
        let (out, _) = run_in(dir.path(), &["deployments", "."]);
        let names: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("deployment "))
            .collect();
        assert_eq!(names.len(), 2, "{out}");
        assert!(!out.contains("(sites:"), "{out}");
    }

    /// PHP reads php.ini, then conf.d/*.ini: a loose `10-opcache.ini` beside php.ini is
    /// a fragment, not php.ini (it hid php.ini's `max_execution_time`); the official
    /// image's documented `COPY php.ini $PHP_INI_DIR/conf.d/` lands in conf.d and counts.
    #[test]
    fn ini_fragments_are_conf_d_and_count() {
        let site = "server {\n    listen 80 default_server;\n    root /srv/app;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let pool = "[www]\nuser = nginx\ngroup = nginx\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 5\n";
        let (out, _) = lint(&[
            ("site.conf", site),
            ("www.conf", pool),
            ("php.ini", "[PHP]\nmax_execution_time = 300\n"),
            (
                "10-opcache.ini",
                "zend_extension=opcache.so\nopcache.enable=1\n",
            ),
        ]);
        assert!(out.contains("X006") && out.contains("300s"), "{out}");
        // A later fragment wins over php.ini.
        let (out, _) = lint(&[
            ("site.conf", site),
            ("www.conf", pool),
            ("php.ini", "[PHP]\nmax_execution_time = 300\n"),
            ("zz-limits.ini", "max_execution_time = 30\n"),
        ]);
        assert!(!out.contains("X006"), "{out}");
        let (out, code) = lint(&[
            ("compose.yaml", "services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n  php:\n    build: ./php\n"),
            ("nginx/default.conf", &site.replace("127.0.0.1:9000", "php:9000")),
            ("php/Dockerfile", "FROM php:8.3-fpm\nCOPY php.ini $PHP_INI_DIR/conf.d/\n"),
            ("php/php.ini", "max_execution_time = 600\n"),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("X006") && out.contains("600s"), "{out}");
    }

    /// yCroma/unixsocket-fpm mounts the socket volume at `/var/run`, a link to `/run`
    /// in both images: the runtime follows it, and the socket is shared.
    #[test]
    fn a_volume_at_var_run_shares_the_run_socket() {
        let compose = |php_target: &str| {
            format!("services:\n  nginx:\n    image: nginx:alpine\n    volumes:\n      - ./default.conf:/etc/nginx/conf.d/default.conf\n      - ./html:/var/www/html\n      - sock:/var/run\n  php:\n    image: php:8.2-fpm-alpine\n    volumes:\n      - ./html:/var/www/html\n      - ./zz-docker.conf:/usr/local/etc/php-fpm.d/zz-docker.conf\n      - sock:{php_target}\nvolumes:\n  sock:\n")
        };
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/var/run/php-fpm.sock;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let pool =
            "[global]\ndaemonize = no\n[www]\nlisten = /var/run/php-fpm.sock\nlisten.mode = 0666\n";
        for target in ["/var/run", "/run"] {
            let (out, code) = lint(&[
                ("docker-compose.yml", &compose(target)),
                ("default.conf", site),
                ("zz-docker.conf", pool),
            ]);
            assert_eq!(code, 0, "{target}: {out}");
        }
        let (out, code) = lint(&[
            ("docker-compose.yml", &compose("/tmp/sock")),
            ("default.conf", site),
            ("zz-docker.conf", pool),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("X023") && out.contains("mounts elsewhere"),
            "{out}"
        );
    }

    /// nginx's `-c` is read where the image starts nginx: a supervisord program or a
    /// `sh -c` script, not only a plain command (cubit9-danielpeyer's images).
    #[test]
    fn nginx_main_file_from_supervisord_and_sh_c() {
        let via_supervisord = "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx supervisor\nCOPY nginx.conf /app/conf/nginx.conf\nCOPY supervisord.conf /app/conf/supervisord.conf\nCMD [\"supervisord\", \"-c\", \"/app/conf/supervisord.conf\"]\n";
        let supervisord = "[supervisord]\nnodaemon=true\n[program:php-fpm]\ncommand=php-fpm -F\n[program:nginx]\ncommand=nginx -c /app/conf/nginx.conf -g 'daemon off;'\n";
        let via_sh = "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx\nCOPY nginx.conf /app/conf/nginx.conf\nCMD [\"sh\", \"-c\", \"php-fpm -D && nginx -c /app/conf/nginx.conf -g 'daemon off;'\"]\n";
        for files in [
            vec![
                ("Dockerfile", via_supervisord),
                ("supervisord.conf", supervisord),
                ("nginx.conf", NGINX_9001),
            ],
            vec![("Dockerfile", via_sh), ("nginx.conf", NGINX_9001)],
        ] {
            let (out, code) = lint(&files);
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains("nginx.conf:8:") && out.contains("X001"),
                "{out}"
            );
        }
    }

    const NGINX_9001: &str = r#"events {}
http {
    include /etc/nginx/mime.types;
    server {
        listen 8080;
        root /var/www/html;
        location ~ \.php$ {
            fastcgi_pass 127.0.0.1:9001;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
    }
}
"#;

    /// wyveo/nginx-php-fpm installs nginx from nginx.org's Debian repository: the official
    /// image's layout (no `sites-enabled/default` whose default server would clash with
    /// the repository's), user `nginx`.
    #[test]
    fn nginx_from_nginx_org_packages_has_the_official_layout() {
        let dockerfile = "FROM debian:bullseye-slim\nRUN echo \"deb http://nginx.org/packages/mainline/debian/ bullseye nginx\" >> /etc/apt/sources.list \\\n    && apt-get update && apt-get install -y nginx=1.25.2-1~bullseye php7.4-fpm \\\n    && rm -rf /etc/nginx/conf.d/default.conf\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCMD [\"sh\", \"-c\", \"php-fpm7.4 && nginx -g 'daemon off;'\"]\n";
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9001;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let (out, _) = lint(&[("Dockerfile", dockerfile), ("default.conf", site)]);
        assert!(
            !out.contains("NGX020") && !out.contains("sites-enabled"),
            "{out}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", dockerfile);
        write(dir.path(), "default.conf", site);
        let (out, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(out.contains("nginx-official"), "{out}");
    }

    /// matomo-org/matomo-nginx is copied into /etc/nginx: its sites' `include ssl.conf;`
    /// is the repository's top-level ssl.conf, however short.
    #[test]
    fn a_loose_site_includes_the_repositorys_top_level_snippet() {
        let site = "server {\n    listen 80;\n    server_name app.example.com;\n    include ssl.conf;\n    location / { return 200; }\n}\n";
        for include in ["ssl.conf", "/etc/nginx/ssl.conf"] {
            let (out, code) = lint(&[
                ("ssl.conf", "ssl_protocols TLSv1.2 TLSv1.3;\n"),
                (
                    "sites-available/app.conf",
                    &site.replace("ssl.conf", include),
                ),
            ]);
            assert_eq!(code, 0, "{include}: {out}");
        }
        // Without it, the include is read from the directory of an nginx.conf the
        // repository does not hold: a note, as `--nginx sites-available/app.conf` has it.
        let (out, code) = lint(&[("sites-available/app.conf", site)]);
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("app.conf:4:5: NGX005 [note] \"ssl.conf\" is read from the directory of the nginx.conf that includes this file"),
            "{out}"
        );
    }

    /// Kube-ASY/k8s-workshop: kustomize's `configMapGenerator` makes the ConfigMap the
    /// Deployment mounts, from a file beside the kustomization; findings point into it.
    #[test]
    fn kustomize_config_map_generator_files_are_mounted() {
        let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n- name: nginx-conf\n  files:\n  - KEY\nresources:\n- deployment.yaml\n";
        for key in ["default.conf", "default.conf=nginx/site.conf"] {
            let file = key.rsplit('=').next().unwrap_or(key);
            let (out, code) = lint(&[
                ("kustomization.yaml", &kustomization.replace("KEY", key)),
                ("deployment.yaml", KUSTOMIZE_DEPLOYMENT),
                (file, KUSTOMIZE_SITE),
            ]);
            assert_eq!(code, 1, "{key}: {out}");
            assert!(out.contains(&format!("{file}:5:22: X001")), "{key}: {out}");
            assert!(!out.contains("loose configuration files"), "{key}: {out}");
        }
    }

    const KUSTOMIZE_DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      volumes:
      - name: nginx-conf
        configMap:
          name: nginx-conf
      - name: html
        emptyDir: {}
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - {name: nginx-conf, mountPath: /etc/nginx/conf.d}
        - {name: html, mountPath: /var/www/html}
      - name: php
        image: php:8.3-fpm
        volumeMounts:
        - {name: html, mountPath: /var/www/html}
"#;
    const KUSTOMIZE_SITE: &str = r#"server {
    listen 80;
    root /var/www/html;
    location ~ \.php$ {
        fastcgi_pass 127.0.0.1:9001;
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    }
}
"#;

    /// Kube-ASY/k8s-workshop: `bitnami/nginx` reads its sites from
    /// /opt/bitnami/nginx/conf/server_blocks; the workload is nginx, and its site is
    /// linted (inside a stand-in nginx.conf, with a note).
    #[test]
    fn bitnami_nginx_server_blocks_are_linted() {
        let (out, code) = lint(&[("all.yaml", BITNAMI_MANIFESTS)]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("X021") && out.contains("gb-phpfpm:9001"),
            "{out}"
        );
        assert!(out.contains("server_blocks"), "{out}");
    }

    const BITNAMI_MANIFESTS: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: gb-nginx-config
data:
  gb-vhost.conf: |
    server {
      listen 0.0.0.0:8080;
      root /app;
      location ~ \.php$ {
        fastcgi_pass gb-phpfpm:9001;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        include fastcgi_params;
      }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gb-nginx
spec:
  selector: {matchLabels: {app: gb}}
  template:
    metadata: {labels: {app: gb}}
    spec:
      containers:
      - name: nginx
        image: bitnami/nginx:1.21
        volumeMounts:
        - {name: nginx-conf, mountPath: /opt/bitnami/nginx/conf/server_blocks}
      volumes:
      - name: nginx-conf
        configMap:
          name: gb-nginx-config
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: gb-phpfpm
spec:
  selector: {matchLabels: {app: fpm}}
  template:
    metadata: {labels: {app: fpm}}
    spec:
      containers:
      - name: phpfpm
        image: php:8.3-fpm
---
apiVersion: v1
kind: Service
metadata:
  name: gb-phpfpm
spec:
  selector: {app: fpm}
  ports:
  - port: 9000
"#;

    /// mondediefr/docker-flarum fills `<UPLOAD_MAX_SIZE>` and `<FLARUM_PORT>` in with sed
    /// at start: the COPY'd file is a template, not an nginx.conf with invalid values.
    #[test]
    fn angle_bracket_placeholders_are_a_template() {
        let (out, _) = lint(&[
            ("Dockerfile", "FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY startup /usr/local/bin/startup\nCMD [\"/usr/local/bin/startup\"]\n"),
            ("nginx.conf", "events {}\nhttp {\n  server {\n    listen <FLARUM_PORT>;\n    root /var/www/html;\n    client_max_body_size <UPLOAD_MAX_SIZE>;\n  }\n}\n"),
            ("startup", "#!/bin/sh\nsed -i \"s/<UPLOAD_MAX_SIZE>/$UPLOAD_MAX_SIZE/\" /etc/nginx/nginx.conf\nexec nginx -g 'daemon off;'\n"),
        ]);
        assert!(!out.contains("NGX014"), "{out}");
        assert!(out.contains("not linted"), "{out}");
    }

    /// Compose services on networks they do not share cannot reach each other by name:
    /// nginx stops at start with `host not found in upstream "app"`.
    #[test]
    fn compose_services_without_a_shared_network_do_not_resolve() {
        let compose = |web_networks: &str| {
            format!("services:\n  app:\n    image: php:8.3-fpm\n    networks: [back]\n    volumes:\n      - ./src:/var/www/html\n  web:\n    image: nginx:1.27\n    networks: {web_networks}\n    volumes:\n      - ./src:/var/www/html\n      - ./default.conf:/etc/nginx/conf.d/default.conf:ro\nnetworks:\n  front:\n  back:\n")
        };
        let (out, code) = lint(&[
            ("compose.yaml", &compose("[front]")),
            ("default.conf", SITE_APP_9000),
            ("src/index.php", "<?php\n"),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains("X020") && out.contains("share no Compose network"),
            "{out}"
        );
        let (out, code) = lint(&[
            ("compose.yaml", &compose("[front, back]")),
            ("default.conf", SITE_APP_9000),
            ("src/index.php", "<?php\n"),
        ]);
        assert_eq!(code, 0, "{out}");
    }

    const SITE_APP_9000: &str = r#"server {
    listen 80;
    root /var/www/html;
    index index.php;
    location ~ \.php$ {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        fastcgi_pass app:9000;
    }
}
"#;

    /// An Ansible role's `files/www.conf` with Debian's socket folder (`/run/php/`) is a
    /// Debian pool, not the php image's www.conf (whose [www] fragments then lacked `pm`).
    #[test]
    fn a_loose_pool_naming_run_php_is_debian() {
        let pool = "[app]\nuser = www-data\ngroup = www-data\nlisten = /run/php/app.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";
        let (out, code) = lint(&[
            ("files/www.conf", pool),
            (
                "tasks/main.yml",
                "- name: pool\n  copy: {src: www.conf, dest: /etc/php/8.2/fpm/pool.d/app.conf}\n",
            ),
        ]);
        assert_eq!(code, 0, "{out}");
        assert!(!out.contains("FPM006"), "{out}");
    }

    /// friendica's example mounts `config/app/www.overload.conf`, which is not in the
    /// repository: Docker mounts an empty directory there and the pool overrides are lost.
    #[test]
    fn a_missing_bind_mounted_config_file_is_noted() {
        let compose = "services:\n  app:\n    image: php:8.3-fpm\n    volumes:\n      - ./config/www.overload.conf:/usr/local/etc/php-fpm.d/www.overload.conf\n      - ./src:/var/www/html\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./default.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./src:/var/www/html\n";
        let files = [
            ("compose.yaml", compose),
            ("default.conf", SITE_APP_9000),
            ("src/index.php", "<?php\n"),
        ];
        let (out, _) = lint(&files);
        assert!(
            out.contains("www.overload.conf is not in the repository"),
            "{out}"
        );
        let mut with_file = files.to_vec();
        with_file.push(("config/www.overload.conf", "[www]\npm.max_children = 8\n"));
        let (out, _) = lint(&with_file);
        assert!(!out.contains("is not in the repository"), "{out}");
    }

    /// Centmin Mod keeps nginx's folder as `config/nginx/`, its includes naming
    /// `/usr/local/nginx/conf/...`: the folder stands for that one, not /etc/nginx, and
    /// a broken site under it is found.
    #[test]
    fn a_loose_nginx_conf_folder_stands_where_its_includes_say() {
        let main = "events {}\nhttp {\n    include /usr/local/nginx/conf/mime.types;\n    include /usr/local/nginx/conf/conf.d/*.conf;\n}\n";
        let site = "server {\n    listen 80;\n    server_name example.org;\n    include /usr/local/nginx/conf/php.conf;\n}\n";
        let (out, code) = lint(&[
            ("config/nginx/nginx.conf", main),
            ("config/nginx/mime.types", "types {\n    text/html html;\n}\n"),
            ("config/nginx/conf.d/site.conf", site),
            ("config/nginx/php.conf", "location ~ \\.php$ {\n    fastcgi_pass 127.0.0.1:9000;\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    acces_log off;\n}\n"),
        ]);
        assert_eq!(code, 1, "{out}");
        assert!(!out.contains("NGX002") && !out.contains("NGX005"), "{out}");
        assert!(
            out.contains("php.conf:4:") && out.contains("NGX010"),
            "{out}"
        );
    }

    /// nextcloud's with-nginx-proxy examples: a TLS proxy in front of the FastCGI nginx
    /// is not php-fpm's client; it is linted alone, not paired with the php container.
    #[test]
    fn a_proxy_nginx_is_not_paired_with_php_fpm() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "compose.yaml", "services:\n  app:\n    image: php:8.3-fpm\n    volumes: [ \"./src:/var/www/html\" ]\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./src:/var/www/html\n      - ./web.conf:/etc/nginx/conf.d/default.conf:ro\n  proxy:\n    image: nginx:1.27\n    ports: [ \"80:80\" ]\n    volumes:\n      - ./proxy/proxy.conf:/etc/nginx/conf.d/default.conf:ro\n");
        write(dir.path(), "web.conf", SITE_APP_9000);
        write(dir.path(), "src/index.php", "<?php\n");
        write(dir.path(), "proxy/proxy.conf", "server {\n    listen 80;\n    location / {\n        # fastcgi_pass app:9000; (replaced by the web container)\n        proxy_pass http://web;\n    }\n}\n");
        let (out, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(out.contains("deployment web → app"), "{out}");
        assert!(out.contains("deployment proxy (nginx only)"), "{out}");
        assert!(!out.contains("proxy → app"), "{out}");
    }

    /// moode-player/moode keeps Debian's php.ini per SAPI: the CLI's is not php-fpm's,
    /// whatever the order they are found in (cli/ sorts before fpm/).
    #[test]
    fn the_cli_php_ini_is_not_php_fpms() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "etc/nginx/nginx.conf",
            "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        );
        write(dir.path(), "etc/nginx/sites-enabled/s", "server {\n    listen 80;\n    root /var/www;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass unix:/run/php/php8.4-fpm.sock;\n    }\n}\n");
        write(dir.path(), "etc/php/8.4/fpm/pool.d/www.conf", "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.4-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 4\npm.max_requests = 500\n");
        write(
            dir.path(),
            "etc/php/8.4/cli/php.ini",
            "[PHP]\nmax_execution_time = 0\nmemory_limit = -1\n",
        );
        write(
            dir.path(),
            "etc/php/8.4/fpm/php.ini",
            "[PHP]\nmax_execution_time = 30\nmemory_limit = 128M\n",
        );
        let (out, _) = run_in(dir.path(), &["--no-config", "deployments", "."]);
        assert!(
            out.contains("/etc/php/8.4/fpm/php.ini ← etc/php/8.4/fpm/php.ini"),
            "{out}"
        );
        assert!(!out.contains("cli/php.ini placed"), "{out}");
    }

    /// urre/wordpress-nginx-docker-compose sets `NGINX_ENVSUBST_TEMPLATE_SUFFIX=.conf`: the
    /// official image's entrypoint renders `templates/*.conf`, not `*.template`. Read with
    /// the default suffix, the site was never linted (its 9999 port went unseen).
    #[test]
    fn the_nginx_image_renders_templates_with_the_suffix_and_folders_its_environment_names() {
        let site = "server {\n    listen 80;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass ${PHP_HOST}:9999;\n    }\n}\n";
        for (env, template, rendered) in [
            (
                "      - NGINX_ENVSUBST_TEMPLATE_SUFFIX=.conf\n",
                "nginx/default.conf.conf",
                "/etc/nginx/conf.d/default.conf",
            ),
            (
                "      NGINX_ENVSUBST_TEMPLATE_DIR: /etc/nginx/tpl\n",
                "nginx/default.conf.template",
                "/etc/nginx/conf.d/default.conf",
            ),
        ] {
            let (mount, env) = if env.contains("TEMPLATE_DIR") {
                ("/etc/nginx/tpl/", format!("    environment:\n{env}"))
            } else {
                ("/etc/nginx/templates/", format!("    environment:\n{env}"))
            };
            let compose = format!("services:\n  nginx:\n    image: nginx:1.27-alpine\n    volumes:\n      - ./nginx/:{mount}\n{env}  php:\n    image: php:8.2-fpm\n");
            let (text, _) = lint(&[
                ("docker-compose.yml", compose.as_str()),
                (template, site.replace("${PHP_HOST}", "php").as_str()),
            ]);
            assert!(text.contains("X021"), "{env}: {text}");
            // The rendered file's lines are the template's: the finding is placed there
            // (it used to name the rendered path inside a made-up one).
            assert!(text.contains(&format!("{template}:5:")), "{env}: {text}");
            assert!(!text.contains(rendered), "{env}: {text}");
        }
    }

    /// tiredofit/docker-nginx-php-fpm: on an image whose nginx.conf is not known, the
    /// repository's snippets are linted on their own, but not one another file includes
    /// (snippets/php-fpm.conf, only included in locations that set SCRIPT_FILENAME after
    /// it: alone, a false NGX201), and a `{{PHP_TIMEOUT}}` its start script fills in is
    /// not read as nginx (three false syntax errors).
    #[test]
    fn included_snippets_and_filled_in_templates_are_not_starts_of_their_own() {
        let monitoring = "server {\n    listen 73;\n    location ~ ^/(php-fpm_status|ping)$ {\n        include /etc/nginx/snippets/php-fpm.conf;\n        fastcgi_param SCRIPT_FILENAME $fastcgi_script_name;\n    }\n}\n";
        let dockerfile = "FROM docker.io/tiredofit/nginx:alpine-edge-6.5.18\nCOPY install /\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("install/etc/nginx/snippets/monitoring.conf", monitoring),
            (
                "install/etc/nginx/snippets/php-fpm.conf",
                "fastcgi_pass 127.0.0.1:9000;\n",
            ),
        ]);
        assert!(!text.contains("NGX201"), "{text}");
        assert!(
            text.contains("monitoring.conf is linted on its own"),
            "{text}"
        );
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("install/etc/nginx/snippets/monitoring.conf", monitoring),
            (
                "install/etc/nginx/snippets/php-fpm.conf",
                "fastcgi_pass 127.0.0.1:9000;\nfastcgi_read_timeout {{PHP_TIMEOUT}};\n",
            ),
        ]);
        assert!(
            !text.contains("NGX001") && !text.contains("NGX013"),
            "{text}"
        );
        assert!(text.contains("filled in by a start script"), "{text}");
    }

    /// A Raspbian box's /etc (lianzh/raspberrypi-3b-debian): Debian's module packages
    /// enable their module with a link into /usr/share/nginx/modules-available, which a
    /// copy of /etc never holds. The link stands for the package's one-line file: no
    /// NGX002 per module, and the module's directives are known (headers-more here).
    #[test]
    fn debian_module_links_of_a_copy_of_etc_load_their_modules() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "etc/nginx/nginx.conf", "user www-data;\ninclude /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n    server {\n        listen 80;\n        more_set_headers \"Server: pi\";\n    }\n}\n");
        let links = dir.path().join("etc/nginx/modules-enabled");
        std::fs::create_dir_all(&links).expect("dir");
        for module in ["http-headers-more-filter", "http-echo", "http-ndk"] {
            std::os::unix::fs::symlink(
                format!("/usr/share/nginx/modules-available/mod-{module}.conf"),
                links.join(format!("50-mod-{module}.conf")),
            )
            .expect("link");
        }
        // A link to anything else still fails to open, as nginx's would.
        std::os::unix::fs::symlink("/opt/elsewhere/mod.conf", links.join("60-other.conf"))
            .expect("link");
        for args in [
            &["--no-config", "--format", "concise", "."][..],
            &["--no-config", "--format", "concise", "--root", "."],
        ] {
            let (out, _) = run_in(dir.path(), args);
            assert_eq!(out.matches("NGX002").count(), 1, "{args:?}: {out}");
            assert!(out.contains("60-other.conf"), "{args:?}: {out}");
            assert!(!out.contains("more_set_headers"), "{args:?}: {out}");
        }
    }

    /// mail-in-a-box, iRedMail: nothing in a copy of a server's /etc says which nginx runs
    /// it, so `listen ... http2` gets no 1.25.1 deprecation advice (on Debian bookworm's
    /// 1.22, `http2 on;` is an unknown directive). Told 1.25, it does.
    #[test]
    fn a_copy_of_etc_of_unknown_version_gets_no_newer_nginx_advice() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "etc/nginx/nginx.conf", "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/sites-enabled/*;\n}\n");
        write(dir.path(), "etc/nginx/sites-enabled/site", "server {\n    listen 443 ssl http2;\n    ssl_certificate /etc/ssl/site.pem;\n    ssl_certificate_key /etc/ssl/site.key;\n    root /var/www/html;\n}\n");
        for args in [
            &["--no-config", "--format", "concise", "."][..],
            &["--no-config", "--format", "concise", "--root", "."],
        ] {
            let (out, _) = run_in(dir.path(), args);
            assert!(!out.contains("NGX018"), "{args:?}: {out}");
            assert!(!out.contains("NGX002"), "{args:?}: {out}");
        }
        let (out, _) = run_in(
            dir.path(),
            &[
                "--no-config",
                "--format",
                "concise",
                "--nginx-version",
                "1.25",
                ".",
            ],
        );
        assert!(out.contains("NGX018"), "{out}");
    }

    /// LNMP.org, OneinStack, Centmin Mod (source builds), RHEL packages, FreeBSD's: a copy
    /// of `/` keeps the nginx.conf it wrote, not the `mime.types` and `fastcgi.conf` that
    /// `make install` or the package put beside it; they are read from nginx's own. The
    /// php-fpm trees of remi, Software Collections and source builds are found.
    #[test]
    fn copies_of_other_layouts_get_nginxs_own_conf_files_and_their_php_fpm() {
        let main = |dir: &str| {
            format!("events {{}}\nhttp {{\n    include {dir}/mime.types;\n    server {{\n        listen 80;\n        root /srv/www;\n        location ~ \\.php$ {{\n            include {dir}/fastcgi.conf;\n            fastcgi_pass unix:/tmp/php-cgi.sock;\n        }}\n    }}\n}}\n")
        };
        let pool = "[global]\n[www]\nlisten = /tmp/php-cgi.sock\nlisten.mode = 0666\npm = static\npm.max_children = 0\n";
        for (dir, fpm) in [
            ("/usr/local/nginx/conf", "/usr/local/php/etc/php-fpm.conf"),
            ("/usr/local/etc/nginx", "/usr/local/php74/etc/php-fpm.conf"),
            ("/etc/nginx", "/etc/opt/remi/php74/php-fpm.conf"),
            ("/etc/nginx", "/etc/opt/rh/rh-php73/php-fpm.conf"),
        ] {
            let root = tempfile::tempdir().expect("tmp");
            write(
                root.path(),
                &format!("{}/nginx.conf", &dir[1..]),
                &main(dir),
            );
            write(root.path(), &fpm[1..], pool);
            let (out, code) = run_in(
                root.path(),
                &["--no-config", "--format", "concise", "--root", "."],
            );
            assert!(
                !out.contains("NGX002") && !out.contains("NGX201"),
                "{dir}: {out}"
            );
            // The pool was read: its mistake is found.
            assert!(out.contains("FPM006"), "{fpm}: {out}");
            assert_eq!(code, 1, "{out}");
        }
        // A file the layout does not install stays missing.
        let root = tempfile::tempdir().expect("tmp");
        write(
            root.path(),
            "usr/local/nginx/conf/nginx.conf",
            &main("/usr/local/nginx/conf").replace("mime.types", "mime.typo"),
        );
        let (out, _) = run_in(
            root.path(),
            &["--no-config", "--format", "concise", "--root", "."],
        );
        assert!(out.contains("NGX002") && out.contains("mime.typo"), "{out}");
    }

    /// Two examples side by side, each with its own ConfigMap `nginx-config`: each pod reads
    /// its own (axyr/laravel-kubernetes-examples: the last one read served both).
    #[test]
    fn a_configmap_name_resolves_in_the_workloads_own_folder_first() {
        let pod = |cm: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    volumeMounts:\n    - name: conf\n      mountPath: /etc/nginx/conf.d/default.conf\n      subPath: site.conf\n  - name: php\n    image: php:8.3-fpm\n  volumes:\n  - name: conf\n    configMap:\n      name: {cm}\n"
            )
        };
        let config_map = |body: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-config\ndata:\n  site.conf: |\n{body}")
        };
        let good = "    server {\n      listen 80;\n      root /var/www/html;\n      location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n      }\n    }\n";
        let bad = good.replace("listen 80;", "listen 80;\n      sendfile maybe;");
        let (pod_a, pod_b) = (pod("nginx-config"), pod("nginx-config"));
        let (cm_a, cm_b) = (config_map(&bad), config_map(good));
        let (text, _) = lint(&[
            ("k8s/a/pod.yaml", pod_a.as_str()),
            ("k8s/a/config.yaml", cm_a.as_str()),
            ("k8s/b/pod.yaml", pod_b.as_str()),
            ("k8s/b/config.yaml", cm_b.as_str()),
        ]);
        assert!(
            text.contains("k8s/a/config.yaml") && text.contains("NGX014"),
            "{text}"
        );
    }

    /// axyr/laravel-kubernetes-examples: a single-pod example (nginx + an application image
    /// named `php`, `fastcgi_pass 127.0.0.1:9000`) beside a multi-pod one whose php-fpm
    /// sits behind a Service. The single pod's nginx was paired with the other pod's
    /// php-fpm and got a false X019 ("localhost is nginx's own container"). Without a PHP
    /// container in its pod, the same nginx does point at itself: X019 stays.
    #[test]
    fn a_pod_with_its_own_php_container_is_not_paired_with_another_pods_php_fpm() {
        let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: single-config\ndata:\n  site.conf: |\n    server {\n      listen 80;\n      root /var/app/public;\n      location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n      }\n    }\n";
        let pod = |php: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: single\nspec:\n  selector:\n    matchLabels: {{app: single}}\n  template:\n    metadata:\n      labels: {{app: single}}\n    spec:\n      containers:\n{php}      - name: nginx\n        image: nginx:1.25\n        volumeMounts:\n        - name: conf\n          mountPath: /etc/nginx/conf.d/default.conf\n          subPath: site.conf\n      volumes:\n      - name: conf\n        configMap:\n          name: single-config\n")
        };
        let multi = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: php\nspec:\n  selector:\n    matchLabels: {app: php}\n  template:\n    metadata:\n      labels: {app: php}\n    spec:\n      containers:\n      - name: php\n        image: php:8.3-fpm\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: php\nspec:\n  selector: {app: php}\n  ports:\n  - port: 9000\n";
        let with_php =
            pod("      - name: php\n        image: ghcr.io/acme/laravel-docker:latest\n");
        let (text, _) = lint(&[
            ("k8s/single/deployment.yaml", with_php.as_str()),
            ("k8s/single/config.yaml", config_map),
            ("k8s/multi/php.yaml", multi),
        ]);
        assert!(!text.contains("X019"), "{text}");
        assert!(
            text.contains("php-fpm of this pod runs in container"),
            "{text}"
        );
        let alone = pod("");
        let (text, _) = lint(&[
            ("k8s/single/deployment.yaml", alone.as_str()),
            ("k8s/single/config.yaml", config_map),
            ("k8s/multi/php.yaml", multi),
        ]);
        assert!(text.contains("X019"), "{text}");
    }

    const PHP84_SITE: &str = "user www-data;\nevents {}\nhttp {\n    include mime.types;\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            try_files $uri =404;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/run/php/php8.4-fpm.sock;\n        }\n    }\n}\n";

    /// Debian's php-fpm is the package's version, not always bookworm's 8.2 (LycheeOrg,
    /// passbolt: `apt-get install php8.4-fpm`; the stock pool listens on php8.4-fpm.sock).
    /// The look-alike pointing at 8.3's socket is still reported.
    #[test]
    fn a_debian_php_package_brings_its_own_version() {
        let dockerfile = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y nginx php8.4-fpm\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD [\"sh\", \"-c\", \"php-fpm8.4 && nginx -g 'daemon off;'\"]\n";
        let (text, code) = lint(&[("Dockerfile", dockerfile), ("nginx.conf", PHP84_SITE)]);
        assert_eq!(code, 0, "{text}");
        let wrong = PHP84_SITE.replace("php8.4-fpm.sock", "php8.3-fpm.sock");
        let (text, _) = lint(&[("Dockerfile", dockerfile), ("nginx.conf", wrong.as_str())]);
        assert!(text.contains("X001"), "{text}");
    }

    /// The last stage `FROM base` has what the `base` stage installed (LycheeOrg: an
    /// "nginx only" deployment and NGX005 for the package's mime.types).
    #[test]
    fn a_stage_built_on_an_earlier_stage_keeps_its_packages() {
        let dockerfile = "FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y nginx php8.4-fpm\n\nFROM node:20 AS assets\nRUN echo build\n\nFROM base\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD [\"sh\", \"-c\", \"php-fpm8.4 && nginx -g 'daemon off;'\"]\n";
        let (text, code) = lint(&[("Dockerfile", dockerfile), ("nginx.conf", PHP84_SITE)]);
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains("NGX005"), "{text}");
    }

    /// Ubuntu 24.04's `php-fpm` is 8.3, and a repository's own /etc/php/8.3 tree is read
    /// where that package puts it (hengruizhineng/think-server: false X001 on
    /// php8.3-fpm.sock, the pool files never read).
    #[test]
    fn ubuntu_noble_php_fpm_is_8_3_and_reads_the_repositorys_tree() {
        let dockerfile = "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y nginx php-fpm\nADD etc /etc\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n";
        let site = "server {\n    listen 80 default_server;\n    root /app/public;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.3-fpm.sock;\n    }\n}\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.3-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 0\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            (
                "start.sh",
                "#!/bin/sh\nphp-fpm8.3 &\nexec nginx -g 'daemon off;'\n",
            ),
            ("etc/nginx/sites-available/default", site),
            ("etc/php/8.3/fpm/pool.d/www.conf", pool),
        ]);
        assert!(!text.contains("X001"), "{text}");
        // The repository's pool is the one read: its broken max_children is reported.
        assert!(
            text.contains("etc/php/8.3/fpm/pool.d/www.conf") && text.contains("FPM006"),
            "{text}"
        );
    }

    /// zabbix/zabbix-docker's web images: supervisord starts nginx and php-fpm in one
    /// container; the pool's socket is in /tmp (no systemd, no PrivateTmp: X012 was a false
    /// note) and its pm settings come from `${VAR}`s the entrypoint exports (FPM004 and
    /// FPM006 judged them empty). A `${VAR}` stays a placeholder; FPM011 still says so.
    #[test]
    fn a_supervised_container_has_one_tmp_and_an_entrypoints_environment() {
        let dockerfile = "FROM alpine:3.20\nRUN apk add --no-cache nginx php83-fpm supervisor\nCOPY conf/nginx.conf /etc/nginx/nginx.conf\nCOPY conf/zabbix.conf /etc/php83/php-fpm.d/zabbix.conf\nCMD [\"/usr/bin/supervisord\", \"-c\", \"/etc/supervisord.conf\"]\n";
        let site = "user nginx;\nevents {}\nhttp {\n    include mime.types;\n    server {\n        listen 8080;\n        root /usr/share/zabbix;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/tmp/php-fpm.sock;\n        }\n    }\n}\n";
        let pool = "[zabbix]\nuser = nginx\ngroup = nginx\nlisten = /tmp/php-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = ${PHP_FPM_PM}\npm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}\npm.start_servers = 5\npm.min_spare_servers = 5\npm.max_spare_servers = 35\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/nginx.conf", site),
            ("conf/zabbix.conf", pool),
        ]);
        for code in ["X012", "FPM004", "FPM006", "X001"] {
            assert!(!text.contains(code), "{code}: {text}");
        }
        assert!(text.contains("FPM011"), "{text}");
    }

    /// monicahq/docker's examples: nginx's image takes the application from the app image
    /// (`COPY --from=monica /var/www/html /var/www/html`); its content is that image's, not
    /// "nothing" (8 false X026). Without the COPY, nginx's web root is empty: X026 stays.
    #[test]
    fn copy_from_another_image_fills_the_web_root_with_unknown_content() {
        let compose = "services:\n  app:\n    image: monica:fpm\n  web:\n    build: ./web\n    ports: [\"80:80\"]\n";
        let site = "events {}\nhttp {\n    include mime.types;\n    server {\n        listen 80;\n        root /var/www/html/public;\n        location ~ \\.php$ {\n            try_files $uri =404;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass app:9000;\n        }\n    }\n}\n";
        let with_copy = "FROM monica:fpm AS monica\nFROM nginx:alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY --from=monica /var/www/html /var/www/html\n";
        let (text, _) = lint(&[
            ("docker-compose.yml", compose),
            ("web/Dockerfile", with_copy),
            ("web/nginx.conf", site),
        ]);
        assert!(!text.contains("X026"), "{text}");
        let without = "FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n";
        let (text, _) = lint(&[
            ("docker-compose.yml", compose),
            ("web/Dockerfile", without),
            ("web/nginx.conf", site),
        ]);
        assert!(text.contains("X026"), "{text}");
    }

    /// Images a repository builds are linked to the Compose names that run them by their
    /// folder (markshust/docker-magento: `magento-nginx:1.24-0` from
    /// images/nginx/1.24/Dockerfile, `magento-php:8.3-fpm-4` from images/php/8.3/) or a
    /// file suffix (kamaln7: `microblog-nginx` from docker/Dockerfile.nginx). Linked, the
    /// broken pool address in the repository's files is found; a volume at /etc/nginx/certs
    /// does not make the php container an nginx.
    #[test]
    fn compose_images_are_linked_to_the_dockerfiles_that_build_them() {
        let compose = "services:\n  app:\n    image: acme/shop-nginx:1.24-0\n    volumes: [appdata:/var/www/html]\n  phpfpm:\n    image: acme/shop-php:8.3-fpm-4\n    volumes: [appdata:/var/www/html, ssldata:/etc/nginx/certs]\nvolumes:\n  appdata:\n  ssldata:\n";
        let nginx_df = "FROM nginx:1.24-alpine\nCOPY ./images/nginx/1.24/conf/default.conf /etc/nginx/conf.d/default.conf\n";
        let other_nginx_df = "FROM nginx:1.22-alpine\nCOPY ./images/nginx/1.22/conf/default.conf /etc/nginx/conf.d/default.conf\n";
        let php_df = "FROM php:8.3-fpm-bookworm\nCOPY ./images/php/8.3/conf/www.conf /usr/local/etc/php-fpm.d/www.conf\n";
        let site = "upstream fastcgi_backend { server phpfpm:9001; }\nserver {\n    listen 8000;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass fastcgi_backend;\n    }\n}\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = static\npm.max_children = 4\n";
        let (text, _) = lint(&[
            ("compose/compose.yaml", compose),
            ("images/nginx/1.24/Dockerfile", nginx_df),
            ("images/nginx/1.24/conf/default.conf", site),
            ("images/nginx/1.22/Dockerfile", other_nginx_df),
            ("images/nginx/1.22/conf/default.conf", site),
            ("images/php/8.3/Dockerfile", php_df),
            ("images/php/8.3/conf/www.conf", pool),
        ]);
        // nginx passes to 9001, the repository's pool listens on 9000.
        assert!(text.contains("X021"), "{text}");
        assert!(!text.contains("NGX004"), "{text}");
    }

    /// mondediefr/docker-flarum: `CMD ["/usr/local/bin/startup"]`, a script of the
    /// repository's rootfs/ without a `.sh` name that ends in `exec s6-svscan`. The image
    /// was dropped and its files linted as loose ones against the official php image
    /// (a false X003 on that image's docker.conf). A look-alike whose script starts
    /// neither server still runs no nginx.
    #[test]
    fn a_start_script_of_any_name_that_starts_the_servers_keeps_the_image() {
        let dockerfile = "FROM alpine:3.16\nRUN apk add --no-cache nginx php8-fpm s6\nCOPY rootfs /\nCMD [\"/usr/local/bin/startup\"]\n";
        let site = "user nginx;\nevents {}\nhttp {\n    include mime.types;\n    server {\n        listen 8888;\n        root /flarum/app/public;\n        location ~ \\.php$ {\n            try_files $uri =404;\n            fastcgi_pass unix:/run/php/php8-fpm.sock;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        }\n    }\n}\n";
        let pool = "[www]\nuser = nginx\ngroup = nginx\nlisten = /run/php/php8-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 4\n";
        let files = |script: &'static str| {
            vec![
                ("Dockerfile", dockerfile),
                ("rootfs/etc/nginx/nginx.conf", site),
                ("rootfs/etc/php8/php-fpm.d/www.conf", pool),
                ("rootfs/usr/local/bin/startup", script),
            ]
        };
        let (text, code) = lint(&files("#!/bin/sh\nexec s6-svscan /etc/s6.d\n"));
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains("loose configuration files"), "{text}");
        let (text, _) = lint(&files("#!/bin/sh\nexec php artisan queue:work\n"));
        assert!(text.contains("loose configuration files"), "{text}");
    }

    /// mondediefr/docker-flarum's start script drops to one user for everything
    /// (`exec su-exec "${UID}:${GID}" s6-svscan`, `ENV UID=991`), as `USER` would:
    /// nginx and php-fpm are the same uid and nginx opens the root-less socket. Started
    /// as root (no su-exec), nginx's workers are `nginx` and the 0660 socket is root's.
    #[test]
    fn a_start_script_that_drops_to_one_user_runs_both_servers_as_it() {
        let dockerfile = "FROM alpine:3.16\nENV UID=991 GID=991\nRUN apk add --no-cache nginx php8-fpm s6 su-exec\nCOPY rootfs /\nCMD [\"/usr/local/bin/startup.sh\"]\n";
        let site = "events {}\nhttp {\n    include mime.types;\n    server {\n        listen 8888;\n        root /flarum/app/public;\n        location ~ \\.php$ {\n            try_files $uri =404;\n            fastcgi_pass unix:/run/php/php8-fpm.sock;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        }\n    }\n}\n";
        let pool = "[global]\ndaemonize = no\n[www]\nlisten = /run/php/php8-fpm.sock\npm = ondemand\npm.max_children = 30\n";
        // The same pool with a `user`: what a master started as root needs (without one
        // it refuses the pool, and whose socket it would be is moot).
        let pool_with_user = "[global]\ndaemonize = no\n[www]\nuser = www-data\nlisten = /run/php/php8-fpm.sock\npm = ondemand\npm.max_children = 30\n";
        let files = |script: &'static str, pool: &'static str| {
            vec![
                ("Dockerfile", dockerfile),
                ("rootfs/etc/nginx/nginx.conf", site),
                ("rootfs/etc/php8/php-fpm.d/www.conf", pool),
                ("rootfs/usr/local/bin/startup.sh", script),
            ]
        };
        let drops = "#!/bin/sh\nexec su-exec \"${UID}:${GID}\" /bin/s6-svscan /etc/s6.d\n";
        let (text, _) = lint(&files(drops, pool));
        assert!(!text.contains("X003"), "{text}");
        let (text, _) = lint(&files(drops, pool_with_user));
        assert!(!text.contains("X003"), "{text}");
        let as_root = "#!/bin/sh\nexec /bin/s6-svscan /etc/s6.d\n";
        let (text, _) = lint(&files(as_root, pool_with_user));
        assert!(text.contains("X003"), "{text}");
        // No `user`: the master is not root (a root one refuses the pool), and the socket
        // is its own, whoever that is.
        let (text, _) = lint(&files(as_root, pool));
        assert!(!text.contains("X003"), "{text}");
    }

    /// mautic/docker-mautic: the cron and worker services run the fpm image with a role
    /// in their environment and no command; they answer no FastCGI request and were paired
    /// with nginx as two more deployments.
    #[test]
    fn services_with_a_cron_or_worker_role_are_side_jobs() {
        let compose = "services:\n  nginx:\n    image: nginx\n    volumes: ['./nginx.conf:/etc/nginx/conf.d/default.conf:ro', 'html:/var/www/html']\n  mautic_web:\n    image: mautic/mautic:5-fpm\n    volumes: ['html:/var/www/html']\n  mautic_cron:\n    image: mautic/mautic:5-fpm\n    volumes: ['html:/var/www/html']\n    environment:\n      - DOCKER_MAUTIC_ROLE=mautic_cron\n  mautic_worker:\n    image: mautic/mautic:5-fpm\n    volumes: ['html:/var/www/html']\n    environment:\n      - DOCKER_MAUTIC_ROLE=mautic_worker\nvolumes:\n  html:\n";
        let site = "server {\n    listen 80;\n    root /var/www/html/docroot;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass mautic_web:9000;\n    }\n}\n";
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "docker-compose.yml", compose);
        write(dir.path(), "nginx.conf", site);
        let (text, _) = run_in(dir.path(), &["--no-config", "deployments", "."]);
        let deployments = text
            .lines()
            .filter(|l| l.starts_with("deployment "))
            .count();
        assert_eq!(deployments, 1, "{text}");
        assert!(text.contains("side job"), "{text}");
    }

    /// zabbix/zabbix-docker's web images fill `{NAME}` placeholders in with sed at start
    /// (`: ${HTTP_INDEX_FILE:="index.php"}` then `sed -i -e "s/{HTTP_INDEX_FILE}/.../g"`).
    /// Read as written, `index {HTTP_INDEX_FILE};` was a syntax error that hid the whole
    /// nginx side; rendered with the script's defaults (or the environment) it is linted.
    /// A placeholder the script does not fill stays an error.
    #[test]
    fn sed_placeholders_of_the_start_script_are_filled_in() {
        let dockerfile = "FROM alpine:3.20\nRUN apk add --no-cache nginx php83-fpm supervisor\nCOPY [\"conf/etc/\", \"/etc/\"]\nCOPY [\"docker-entrypoint.sh\", \"/usr/bin/\"]\nENTRYPOINT [\"docker-entrypoint.sh\"]\nCMD [\"/usr/bin/supervisord\", \"-c\", \"/etc/supervisord.conf\"]\n";
        let script = "#!/bin/bash\n: ${HTTP_INDEX_FILE:=\"index.php\"}\nsed -i -e \"s/{HTTP_INDEX_FILE}/${HTTP_INDEX_FILE}/g\" /etc/nginx/http.d/zabbix.conf\nexec \"$@\"\n";
        let site = |index: &str| {
            format!("server {{\n    listen 8080;\n    root /usr/share/zabbix;\n    index {index};\n    location ~ \\.php$ {{\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/tmp/php-fpm.sock;\n    }}\n}}\n")
        };
        let pool = "[zabbix]\nuser = nginx\ngroup = nginx\nlisten = /tmp/php-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 4\n";
        let filled = site("{HTTP_INDEX_FILE}");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("docker-entrypoint.sh", script),
            ("conf/etc/nginx/http.d/zabbix.conf", filled.as_str()),
            ("conf/etc/php83/php-fpm.d/zabbix.conf", pool),
        ]);
        assert!(
            !text.contains("NGX001") && !text.contains("NGX013"),
            "{text}"
        );
        let unfilled = site("{OTHER_FILE}");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("docker-entrypoint.sh", script),
            ("conf/etc/nginx/http.d/zabbix.conf", unfilled.as_str()),
            ("conf/etc/php83/php-fpm.d/zabbix.conf", pool),
        ]);
        assert!(text.contains("NGX001") || text.contains("NGX013"), "{text}");
    }

    /// `--nginx site.conf` on a file of `server` blocks infers its context as `--context
    /// auto` does (it was read as a main file: every rule that walks http → server →
    /// location saw nothing, "No problems found"). README's first example is this.
    #[test]
    fn a_site_file_given_with_nginx_is_read_in_its_context() {
        let site = "server {\n    listen 80;\n    server_name example.test;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_split_path_info ^(.+\\.php)(/.+)$;\n        fastcgi_param PATH_INFO $fastcgi_path_info;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "site.conf", site);
        let (text, code) = run_in(
            dir.path(),
            &["--no-config", "--format", "concise", "--nginx", "site.conf"],
        );
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("NGX225") && text.contains("SEC001"), "{text}");
    }

    /// SecurityCompass's Moodle stack: `build.args: PHP_VERSION: ${PHP_VERSION}` (from .env)
    /// picks `php${PHP_VERSION}-fpm` in the Dockerfile; the build argument was dropped, the
    /// distribution's default version assumed, and the mounted 7.4 pool never read. Pinned
    /// packages (`nginx=1.22*`) are the same packages (processwire).
    #[test]
    fn compose_build_args_and_apt_pins_reach_the_dockerfile() {
        let compose = "services:\n  web:\n    build:\n      context: .\n      args:\n        PHP_VERSION: \"${PHP_VERSION}\"\n    volumes:\n      - ./conf/www.conf:/etc/php/7.4/fpm/pool.d/www.conf\n";
        let dockerfile = "FROM ubuntu:jammy\nARG PHP_VERSION\nRUN apt-get update && apt-get install -y nginx=1.18* php${PHP_VERSION}-fpm=7.4.*\nCMD [\"/bin/sh\", \"-c\", \"php-fpm${PHP_VERSION} -D && exec nginx -g 'daemon off;'\"]\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php7.4-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = dynamic\npm.max_children = 5\npm.start_servers = 10\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";
        let (text, _) = lint(&[
            ("docker-compose.yml", compose),
            (".env", "PHP_VERSION=7.4\n"),
            ("Dockerfile", dockerfile),
            ("conf/www.conf", pool),
        ]);
        // The mounted pool is read: its pm arithmetic is wrong.
        assert!(
            text.contains("conf/www.conf") && text.contains("FPM007"),
            "{text}"
        );
        // Debian's nginx package, not the official image's (no conf.d/default.conf).
        assert!(!text.contains("NGX102"), "{text}");
    }

    /// Wotuu/keystone.guru.vagrant keeps a Vagrant box's /etc with a site in
    /// sites-available/ (no sites-enabled/, no nginx.conf) and a 7.4 pool (no
    /// php-fpm.conf): "no nginx.conf or php-fpm.conf found", exit 2. The packages' main
    /// files read them; the site is served.
    #[test]
    fn a_copy_of_etc_without_main_files_is_read_through_the_packages() {
        let site = "server {\n    listen 80;\n    server_name keystone.test;\n    root /var/www/public;\n    location / {\n        try_files $uri /index.php$query_string;\n    }\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php7.4-fpm.sock;\n    }\n}\n";
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php7.4-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 4\n";
        let (text, code) = lint(&[
            ("etc/nginx/sites-available/keystone.test", site),
            ("etc/php/7.4/fpm/pool.d/www.conf", pool),
        ]);
        assert_ne!(code, 2, "{text}");
        // The site is read (NGX223 on its fallback) and reaches the 7.4 pool.
        assert!(
            text.contains("keystone.test") && text.contains("NGX223"),
            "{text}"
        );
        assert!(!text.contains("X001"), "{text}");
    }

    /// PrivateBin/docker-nginx-fpm-alpine moves the php package's tree (`mv /etc/php85
    /// /etc/php && ln -s /etc/php /etc/php85`) and copies its pool into /etc/php: the pool
    /// it reads is the repository's (a unix socket), not the package's www.conf (TCP),
    /// which the image deletes. Read from /etc/php85, a false X002.
    #[test]
    fn a_moved_alpine_php_tree_is_read_where_it_was_moved() {
        let dockerfile = "FROM alpine:3.24\nRUN apk add --no-cache nginx php85 php85-fpm s6 \\\n    && mv /etc/php85 /etc/php \\\n    && ln -s /etc/php /etc/php85 \\\n    && rm -f /etc/nginx/http.d/default.conf /etc/php/php-fpm.d/www.conf\nCOPY etc/ /etc/\nCMD [\"/bin/s6-svscan\", \"/etc/s6/services\"]\n";
        let site = "server {\n    listen 8080;\n    root /srv/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/run/php-fpm.sock;\n    }\n}\n";
        let pool = "[global]\ndaemonize = no\n\n[www]\nlisten = /run/php-fpm.sock\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("etc/nginx/http.d/site.conf", site),
            ("etc/php/php-fpm.d/zz-docker.conf", pool),
        ]);
        assert!(!text.contains("X002") && !text.contains("X001"), "{text}");
    }

    /// serversideup/docker-php deletes nginx.conf at build (`rm /etc/nginx/nginx.conf`) and
    /// renders it from nginx.conf.template when the container starts: the image's main file
    /// is not missing (no NGX004), it is made later and not linted.
    #[test]
    fn a_main_file_rendered_at_start_from_a_template_is_not_missing() {
        let dockerfile = "FROM php:8.3-fpm-bookworm\nRUN apt-get update && apt-get install -y nginx=1.26* && rm /etc/nginx/nginx.conf\nCOPY etc/ /etc/\nCMD [\"/init\"]\n";
        let template =
            "events {}\nhttp {\n    server {\n        listen ${NGINX_HTTP_PORT};\n    }\n}\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("etc/nginx/nginx.conf.template", template),
        ]);
        assert!(!text.contains("NGX004"), "{text}");
        assert!(
            text.contains("rendered from /etc/nginx/nginx.conf.template"),
            "{text}"
        );
    }

    /// A copy of /etc with several sites in sites-available/ and no sites-enabled/: which
    /// are enabled is not known, so none is taken as served (ger0nim077/server_config got
    /// a false X001 for each site whose pool it does not keep). With several php versions
    /// side by side (a WordOps host) no package php-fpm.conf is assumed either.
    #[test]
    fn a_copy_of_etc_with_several_sites_or_php_versions_assumes_none() {
        let site = |name: &str| {
            format!("server {{\n    listen 80;\n    server_name {name}.test;\n    root /var/www/{name};\n    location ~ \\.php$ {{\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.3-fpm-{name}.sock;\n    }}\n}}\n")
        };
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.3-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = static\npm.max_children = 4\n";
        let (a, b) = (site("shop"), site("blog"));
        let (text, code) = lint(&[
            ("etc/nginx/sites-available/shop.conf", a.as_str()),
            ("etc/nginx/sites-available/blog.conf", b.as_str()),
            ("etc/php/8.3/fpm/pool.d/www.conf", pool),
        ]);
        assert_ne!(code, 2, "{text}");
        assert!(!text.contains("X001"), "{text}");
        let old_pool = pool.replace("8.3", "7.2");
        let (text, _) = lint(&[
            ("etc/nginx/sites-available/shop.conf", a.as_str()),
            ("etc/php/8.3/fpm/pool.d/www.conf", pool),
            ("etc/php/7.2/fpm/pool.d/www.conf", old_pool.as_str()),
        ]);
        assert!(!text.contains("X001"), "{text}");
    }

    /// ... but each of those sites is still linted, alone: read as a copy of / whose
    /// `include sites-enabled/*` matches nothing, two broken sites gave "No problems
    /// found" (joglomedia/LEMPer, moode-player/moode in triage round 10).
    #[test]
    fn the_sites_of_such_a_copy_are_linted_each_alone() {
        let nginx = "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n";
        let a = "server {\n    listen 80 default_server;\n    access_logg off;\n}\n";
        let b = "server {\n    listen 80 default_server;\n    client_max_body_size 10Q;\n}\n";
        let (text, code) = lint(&[
            ("etc/nginx/nginx.conf", nginx),
            ("etc/nginx/sites-available/a", a),
            ("etc/nginx/sites-available/b", b),
        ]);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("\"access_logg\""), "{text}");
        assert!(text.contains("sites-available/b:3:26: NGX014"), "{text}");
        // Alone, neither site's default_server conflicts with the other's.
        assert!(!text.contains("duplicate default server"), "{text}");
        // One site in sites-available is the one served, as before.
        let (text, code) = lint(&[
            ("etc/nginx/nginx.conf", nginx),
            ("etc/nginx/sites-available/a", a),
        ]);
        assert_eq!(code, 1, "{text}");
        assert!(text.contains("\"access_logg\""), "{text}");
    }

    /// A Compose repository that keeps its files under etc/ is a repository, not a copy of /.
    #[test]
    fn compose_with_an_etc_folder_is_a_repository() {
        let (text, code) = lint(&[
            ("docker-compose.yml", "services:\n  web:\n    image: nginx:alpine\n    volumes: ['./etc/nginx/default.conf:/etc/nginx/conf.d/default.conf', './web:/var/www/html']\n  php:\n    image: php:8.3-fpm\n    volumes: ['./web:/var/www/html']\n"),
            ("etc/nginx/default.conf", SITE),
            ("etc/php/php.ini", "memory_limit = 256M\n"),
            ("web/index.php", "<?php\n"),
        ]);
        assert_ne!(code, 2, "{text}");
        assert!(!text.contains("no nginx.conf or php-fpm.conf"), "{text}");
    }

    /// A pool file mounted from an unknown source: its settings are unknown, not missing.
    #[test]
    fn an_unknown_pool_source_is_not_a_missing_pool() {
        let (text, _) = lint(&[(
            "compose.yml",
            "services:\n  php:\n    image: php:8.2-fpm\n    volumes: ['${FPM_CONF}:/usr/local/etc/php-fpm.d/www.conf']\n",
        )]);
        assert!(!text.contains("FPM006"), "{text}");
    }

    /// A `%{...}t` in a commented line of a pool file is no template marker.
    #[test]
    fn commented_format_strings_are_not_templates() {
        let (text, _) = lint(&[
            ("Dockerfile", "FROM php:8.2-fpm\nCOPY www.conf /usr/local/etc/php-fpm.d/www.conf\n"),
            ("www.conf", "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = static\npm.max_children = 0\n;      e.g. use: %{%Y-%m-%dT%H:%M:%S%z}t\n"),
        ]);
        assert!(!text.contains("template"), "{text}");
        assert!(text.contains("FPM0"), "the pool is linted: {text}");
    }

    /// A Dockerfile no Compose file builds is still an image whose files are linted in place.
    #[test]
    fn standalone_dockerfiles_beside_a_compose_file_are_assembled() {
        let (text, _) = lint(&[
            ("images/nginx/Dockerfile", "FROM nginx:1.24\nCOPY etc/vhost.conf /etc/nginx/conf.d/default.conf\n"),
            ("images/nginx/etc/vhost.conf", "server {\n    listen 80;\n    location / {\n        fastcgi_pass unix:/run/php.sock\n    }\n}\n"),
            ("tests/docker-compose.yml", "services:\n  fpm:\n    image: php:8.2-fpm\n"),
        ]);
        assert!(
            text.contains("vhost.conf") && text.contains("NGX001"),
            "{text}"
        );
    }

    /// An image whose tag says fpm runs php-fpm: the cross-checks run.
    #[test]
    fn fpm_tags_are_php_fpm_images() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "compose.yml", "services:\n  nginx:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n  app:\n    image: mautic/mautic:5-fpm\n");
        write(
            dir.path(),
            "site.conf",
            &SITE.replace("php:9000", "app:9001"),
        );
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(text.contains("X021"), "{text}");
    }

    /// `COPY dir /` merges into the image: its stock files stay.
    #[test]
    fn copying_onto_the_root_keeps_the_image_files() {
        let (text, _) = lint(&[
            ("Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y php8.2-fpm\nCOPY install /\n"),
            ("install/etc/nginx/snippets/php.conf", "fastcgi_index index.php;\n"),
        ]);
        assert!(!text.contains("FPM005"), "{text}");
    }

    /// A pool file a RUN step edits (through an ENV name) is read as shipped, not as it runs:
    /// no error rests on it.
    #[test]
    fn files_edited_at_build_time_carry_no_errors() {
        let (text, _) = lint(&[
            ("Dockerfile", "FROM debian:bookworm\nENV fpm_conf /etc/php/8.2/fpm/pool.d/www.conf\nRUN apt-get install -y nginx php8.2-fpm && sed -i -e \"s/www-data/nginx/g\" ${fpm_conf}\nCOPY nginx.conf /etc/nginx/nginx.conf\n"),
            ("nginx.conf", "user nginx;\nevents {}\nhttp {\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            include snippets/fastcgi-php.conf;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n}\n"),
        ]);
        // The sed is read (Debian's pool then has `listen.owner = nginx`): without the RUN
        // step, X003 is an error on www.conf (nginx vs www-data 0660).
        assert!(!text.contains("X003"), "{text}");
        assert!(!text.contains("changed at build time"), "{text}");
        // A script file sed reads is not modelled: the pool is said to be changed at build
        // time, and what is said about it is a note about an image's file, not shown.
        let (text, _) = lint(&[
            ("Dockerfile", "FROM debian:bookworm\nENV fpm_conf /etc/php/8.2/fpm/pool.d/www.conf\nRUN apt-get install -y nginx php8.2-fpm && sed -i -f /tmp/pool.sed ${fpm_conf}\nCOPY nginx.conf /etc/nginx/nginx.conf\n"),
            ("nginx.conf", "user nginx;\nevents {}\nhttp {\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            include snippets/fastcgi-php.conf;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n}\n"),
        ]);
        assert!(text.contains("changed at build time"), "{text}");
        assert!(!text.contains("X003"), "{text}");
    }

    /// A loose site's `include /etc/nginx/partials/x.conf` finds the repository's partials/.
    #[test]
    fn loose_includes_find_their_folder() {
        let (text, _) = lint(&[
            ("sites-available/site.conf", "server {\n    listen 80;\n    root /var/www;\n    include /etc/nginx/partials/security.conf;\n}\n"),
            ("partials/security.conf", "location ~ /\\. {\n    deny all;\n}\n"),
        ]);
        assert!(!text.contains("NGX005"), "{text}");
    }

    /// RHEL-family packages: their layout is not known, so no Debian file is assumed.
    #[test]
    fn rpm_installs_assume_no_debian_layout() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", "FROM rockylinux:9\nRUN dnf -y install nginx php-fpm\nCOPY site.conf /etc/nginx/conf.d/site.conf\n");
        write(dir.path(), "site.conf", "server {\n    listen 80;\n}\n");
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(!text.contains("debian-"), "{text}");
        assert!(text.contains("yum/dnf"), "{text}");
    }

    /// With a sites-enabled folder, only the enabled sites of sites-available run: two
    /// alternative examples do not conflict.
    #[test]
    fn only_enabled_sites_run() {
        let dir = tempfile::tempdir().expect("tmp");
        let site = "server {\n    listen 80;\n    server_name app.test;\n    root /var/www;\n}\n";
        write(dir.path(), "nginx/sites-available/one.conf", site);
        write(dir.path(), "nginx/sites-available/two.conf", site);
        write(dir.path(), "nginx/sites-enabled/one.conf", site);
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("NGX101"), "{text}");
    }

    /// Example folders that each hold a site of one name (a plugin's
    /// `examples/<version>/config/nginx.conf`) are alternatives: each is linted on its own,
    /// so their `default_server`s do not collide, and a mistake in one is still found.
    #[test]
    fn example_folders_are_alternatives() {
        let dir = tempfile::tempdir().expect("tmp");
        let site = "server {\n    listen 80 default_server;\n    server_name localhost;\n    root /app;\n}\n";
        write(dir.path(), "examples/8.2/config/nginx.conf", site);
        write(dir.path(), "examples/8.3/config/nginx.conf", site);
        write(
            dir.path(),
            "examples/8.4/config/nginx.conf",
            &site.replace("root /app;", "root /app;\n    gzip_typo on;"),
        );
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(
            !text.contains("NGX020") && !text.contains("NGX101"),
            "{text}"
        );
        assert!(
            text.contains("examples/8.4/config/nginx.conf") && text.contains("NGX010"),
            "{text}"
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        for label in [
            "./examples/8.2/config",
            "./examples/8.3/config",
            "./examples/8.4/config",
        ] {
            assert!(text.contains(&format!("nginx: {label}")), "{label}: {text}");
        }
    }

    /// lando/php's shape: each example folder has its nginx site and its php.ini, one has a
    /// pool override, the plugin's own php.ini sits at the top. Each example runs with
    /// the php-fpm files of its own folder (and the top's where it has none): one
    /// example's 600 s `max_execution_time` is its own (X006 against nginx's 60 s), and
    /// the override of `custom` is not attached to the others.
    #[test]
    fn example_folders_keep_their_own_php_fpm_files() {
        let dir = tempfile::tempdir().expect("tmp");
        let site = "server {\n    listen 80 default_server;\n    server_name localhost;\n    root /app;\n    location ~ \\.php$ {\n        fastcgi_pass fpm:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        for example in ["8.2", "8.3", "custom"] {
            write(
                dir.path(),
                &format!("examples/{example}/config/nginx.conf"),
                site,
            );
        }
        write(
            dir.path(),
            "config/php.ini",
            "[PHP]\nmax_execution_time = 30\n",
        );
        write(
            dir.path(),
            "examples/8.2/config/php.ini",
            "[PHP]\nmax_execution_time = 600\n",
        );
        write(
            dir.path(),
            "examples/8.3/config/php.ini",
            "[PHP]\nmax_execution_time = 30\n",
        );
        write(
            dir.path(),
            "examples/custom/config/www.conf",
            "; Override default PHP-FPM settings.\n[www]\npm.max_children = 4\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n",
        );
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        let x006: Vec<&str> = text.lines().filter(|l| l.contains(": X006 [")).collect();
        assert_eq!(x006.len(), 1, "{text}");
        assert!(
            x006[0].starts_with("examples/8.2/config/nginx.conf"),
            "{text}"
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        let block = |example: &str| {
            let start = text
                .find(&format!(
                    "deployment repository files (nginx: ./examples/{example}/config)"
                ))
                .unwrap_or_else(|| panic!("{example}: {text}"));
            let rest = &text[start..];
            rest[..rest[1..]
                .find("\ndeployment ")
                .map_or(rest.len(), |e| e + 1)]
                .to_string()
        };
        assert!(
            block("8.2").contains("php.ini ← examples/8.2/config/php.ini"),
            "{text}"
        );
        assert!(!block("8.2").contains("examples/custom"), "{text}");
        assert!(
            block("custom").contains("zz-www.conf ← examples/custom/config/www.conf"),
            "{text}"
        );
        assert!(
            block("custom").contains("php.ini ← config/php.ini"),
            "{text}"
        );
    }

    /// `php-cli.ini` is what PHP's command line reads instead of php.ini (khs1994's
    /// devcontainer, `memory_limit = -1`); php-fpm never reads it. Beside a pool it is
    /// not placed as a php-fpm ini fragment, where it made FPM108 claim unlimited memory.
    #[test]
    fn a_cli_ini_is_not_php_fpm_s() {
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = static\npm.max_children = 4\npm.max_requests = 0\n";
        let files = [
            ("php/www.conf", pool),
            (
                "php/php-cli.ini",
                "memory_limit = -1\nmax_execution_time = 0\n",
            ),
        ];
        let (text, _) = lint(&files);
        assert!(!text.contains("FPM108"), "{text}");
        let dir = tempfile::tempdir().expect("tmp");
        for (path, body) in files {
            write(dir.path(), path, body);
        }
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(!text.contains("php-cli.ini"), "{text}");
        // The same lines as a php.ini fragment are php-fpm's.
        let (text, _) = lint(&[files[0], ("php/custom.ini", files[1].1)]);
        assert!(text.contains("FPM108"), "{text}");
    }

    /// The textbook Debian Dockerfile enables its site with `RUN ln -s` from
    /// sites-available into sites-enabled (both operand forms: the link's full name, or
    /// the folder with a trailing slash). nginx reads the site through the link, so its
    /// wrong socket is a 502 (X001); before, the link was not followed, the site was never
    /// linted, and nothing was said.
    #[test]
    fn a_site_enabled_by_a_dockerfile_link_is_linted() {
        let site = "server {\n    listen 80 default_server;\n    root /var/www/public;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n    }\n}\n";
        for link in [
            "/etc/nginx/sites-enabled/app.conf",
            "/etc/nginx/sites-enabled/",
            "../sites-available/app.conf /etc/nginx/sites-enabled/app.conf",
        ] {
            let ln = if link.starts_with("..") {
                format!("ln -s {link}")
            } else {
                format!("ln -s /etc/nginx/sites-available/app.conf {link}")
            };
            let dockerfile = format!("FROM debian:bookworm\nRUN apt-get update && apt-get install -y nginx php8.2-fpm\nCOPY app.conf /etc/nginx/sites-available/app.conf\nRUN rm /etc/nginx/sites-enabled/default && {ln}\nCMD [\"sh\", \"-c\", \"php-fpm8.2 -D && nginx -g 'daemon off;'\"]\n");
            let (text, code) = lint(&[("Dockerfile", &dockerfile), ("app.conf", site)]);
            assert_eq!(code, 1, "{ln}: {text}");
            assert!(text.contains("app.conf:6:22: X001"), "{ln}: {text}");
            assert!(!text.contains("loose"), "{ln}: {text}");
        }
        // Not linked: the site stays in sites-available, and nginx never reads it.
        let dockerfile = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y nginx php8.2-fpm\nCOPY app.conf /etc/nginx/sites-available/app.conf\nCMD [\"sh\", \"-c\", \"php-fpm8.2 -D && nginx -g 'daemon off;'\"]\n";
        let (text, _) = lint(&[("Dockerfile", dockerfile), ("app.conf", site)]);
        assert!(!text.contains("X001"), "{text}");
    }

    /// `ENTRYPOINT ["/bin/ash", "script.sh"]` (pterodactyl/panel: Alpine's shell running
    /// a start script) keeps the servers the image runs: the Dockerfile is the deployment,
    /// not a reason to lint its files loose in invented images.
    #[test]
    fn an_ash_entrypoint_keeps_the_dockerfile() {
        let dockerfile = "FROM php:8.2-fpm-alpine\nWORKDIR /app\nCOPY . ./\nRUN apk add --no-cache nginx supervisor\nCOPY docker/default.conf /etc/nginx/http.d/default.conf\nENTRYPOINT [ \"/bin/ash\", \"docker/entrypoint.sh\" ]\nCMD [ \"supervisord\", \"-n\", \"-c\", \"/etc/supervisord.conf\" ]\n";
        let site = "server {\n    listen 80;\n    root /app/public;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", dockerfile);
        write(dir.path(), "docker/default.conf", site);
        write(
            dir.path(),
            "docker/entrypoint.sh",
            "#!/bin/ash\nexec \"$@\"\n",
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            text.starts_with("deployment ./Dockerfile (from Dockerfile)"),
            "{text}"
        );
        assert!(!text.contains("repository files"), "{text}");
    }

    /// A Dockerfile's `RUN sed -i` and `echo >>` edits are read as the image has them:
    /// richarvey/nginx-php-fpm turns the stock pool's `listen = 127.0.0.1:9000` into a
    /// socket (and uncomments `;listen.owner`), the linuxserver.io images append
    /// SCRIPT_FILENAME to fastcgi_params. Read unedited, nginx "reached no socket" (X002)
    /// and "sent no SCRIPT_FILENAME" (NGX201), both false; an edit sed cannot be modelled
    /// for (`/^listen/d`) leaves the file "changed at build time".
    #[test]
    fn dockerfile_sed_and_echo_edits_are_applied() {
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/var/run/php-fpm.sock;\n        include fastcgi_params;\n    }\n}\n";
        let dockerfile = |edits: &str| {
            format!("FROM php:8.2.7-fpm-alpine3.18\nENV fpm_conf /usr/local/etc/php-fpm.d/www.conf\nRUN apk add --no-cache nginx\nCOPY site.conf /etc/nginx/http.d/default.conf\n{edits}\nCMD [\"sh\", \"-c\", \"php-fpm -D && nginx -g 'daemon off;'\"]\n")
        };
        let modelled = dockerfile(concat!(
            "RUN sed -i \\\n",
            "        -e \"s/;listen.mode = 0660/listen.mode = 0666/g\" \\\n",
            "        -e \"s/;listen.owner = www-data/listen.owner = nginx/g\" \\\n",
            "        -e \"s/listen = 127.0.0.1:9000/listen = \\/var\\/run\\/php-fpm.sock/g\" \\\n",
            "        ${fpm_conf} && \\\n",
            "    sed -i 's/^listen = 9000$/; docker listen dropped/' /usr/local/etc/php-fpm.d/zz-docker.conf && \\\n",
            "    echo 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;' >> /etc/nginx/fastcgi_params",
        ));
        let (text, code) = lint(&[("Dockerfile", &modelled), ("site.conf", site)]);
        assert_eq!(code, 0, "{text}");
        assert!(!text.contains("changed at build time"), "{text}");
        // Without the edits, both findings are real.
        let (text, _) = lint(&[("Dockerfile", &dockerfile("")), ("site.conf", site)]);
        assert!(text.contains("X002") && text.contains("NGX201"), "{text}");
        // An edit that is not modelled: the file is read as copied, and said to be changed.
        let unmodelled = dockerfile("RUN sed -i '/^listen = /d' /usr/local/etc/php-fpm.d/www.conf");
        let (text, _) = lint(&[("Dockerfile", &unmodelled), ("site.conf", site)]);
        assert!(text.contains("www.conf is changed at build time"), "{text}");
    }

    /// `php-fpm -R` (`--allow-to-run-as-root`) lets a pool run as root: php-fpm starts
    /// (checked live by triage 15b), so FPM023 does not claim it refuses to. Passed on
    /// the Dockerfile's CMD, Compose's `command:`, or grouped (`-FR`); without it the
    /// error stands.
    #[test]
    fn php_fpm_dash_r_allows_root_pools() {
        let pool =
            "[www]\nuser = root\ngroup = root\nlisten = 9000\npm = static\npm.max_children = 2\n";
        for cmd in [
            "CMD [\"php-fpm\", \"-R\"]",
            "CMD [\"php-fpm\", \"-FR\"]",
            "CMD php-fpm --allow-to-run-as-root",
        ] {
            let dockerfile =
                format!("FROM php:8.3-fpm\nCOPY zz.conf /usr/local/etc/php-fpm.d/zz.conf\n{cmd}\n");
            let (text, _) = lint(&[("Dockerfile", &dockerfile), ("zz.conf", pool)]);
            assert!(!text.contains("FPM023"), "{cmd}: {text}");
        }
        let compose = "services:\n  php:\n    build: .\n    command: php-fpm -R\n";
        let dockerfile = "FROM php:8.3-fpm\nCOPY zz.conf /usr/local/etc/php-fpm.d/zz.conf\n";
        let (text, _) = lint(&[
            ("compose.yaml", compose),
            ("Dockerfile", dockerfile),
            ("zz.conf", pool),
        ]);
        assert!(!text.contains("FPM023"), "{text}");
        let (text, _) = lint(&[("Dockerfile", dockerfile), ("zz.conf", pool)]);
        assert!(text.contains("FPM023"), "{text}");
    }

    /// A repository that is a copy of /etc/nginx (h5bp/server-configs-nginx): its
    /// `nginx.conf` reads `conf.d/*.conf`; `conf.d/templates/` holds sites to copy and
    /// `test/vhosts/` the sites CI mounts as conf.d, and `conf.d/.default.conf` is a site
    /// disabled by its leading dot. Only what the includes reach runs with the main file
    /// (nginx -t agrees); each other folder is linted in place of conf.d, on its own. Moved
    /// into conf.d beside the real default server, they made NGX020, NGX101 and NGX107.
    #[test]
    fn an_etc_nginx_copy_runs_only_what_its_includes_reach() {
        let main = "events {}\nhttp {\n    include conf.d/*.conf;\n}\n";
        let default =
            "server {\n    listen 80 default_server;\n    server_name _;\n    return 444;\n}\n";
        let (text, code) = lint(&[
            ("nginx.conf", main),
            ("conf.d/no-ssl.default.conf", default),
            ("conf.d/.default.conf", &default.replace("return 444;", "return 444;\n    gzip_typo on;")),
            ("conf.d/templates/example.com.conf", "server {\n    listen 80;\n    server_name example.com;\n    root /var/www/example.com;\n}\n"),
            ("test/vhosts/default.conf", default),
            ("test/vhosts/other.conf", "server {\n    listen 80;\n    server_name other.test;\n    gzip_tpyo on;\n}\n"),
        ]);
        for code in ["NGX020", "NGX101", "NGX107"] {
            assert!(!text.contains(code), "{code}: {text}");
        }
        // The dotfile is not read; the CI vhosts are, as conf.d.
        assert!(!text.contains("gzip_typo"), "{text}");
        assert!(
            text.contains("test/vhosts/other.conf") && text.contains("gzip_tpyo"),
            "{text}"
        );
        assert_eq!(code, 1, "{text}");
    }

    /// Templates a Dockerfile COPYs into the official nginx image's /etc/nginx/templates
    /// are rendered at start as a mounted folder's are (eko/docker-symfony: its only site
    /// was listed, never linted): the pass to a port no pool listens on is found.
    #[test]
    fn templates_copied_into_the_nginx_image_are_rendered() {
        let compose = "services:\n  php:\n    image: php:8.2-fpm\n    volumes: [\"./app:/var/www\"]\n  nginx:\n    build: ./nginx\n    environment:\n      - SERVER_NAME=example.org\n    volumes: [\"./app:/var/www\"]\n";
        let template = "server {\n    listen 80 default_server;\n    server_name ${SERVER_NAME};\n    root /var/www/public;\n    location ~ \\.php$ {\n        fastcgi_pass php:9999;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        for copy in [
            "COPY templates/* /etc/nginx/templates/",
            "COPY templates /etc/nginx/templates",
            "COPY templates/site.conf.template /etc/nginx/templates/site.conf.template",
        ] {
            let (text, code) = lint(&[
                ("compose.yml", compose),
                ("nginx/Dockerfile", &format!("FROM nginx:1.23\n{copy}\n")),
                ("nginx/templates/site.conf.template", template),
            ]);
            assert!(
                text.contains("X021") && text.contains("php:9999"),
                "{copy}: {text}"
            );
            assert_eq!(code, 1, "{copy}: {text}");
            let fixed = template.replace("9999", "9000");
            let (text, _) = lint(&[
                ("compose.yml", compose),
                ("nginx/Dockerfile", &format!("FROM nginx:1.23\n{copy}\n")),
                ("nginx/templates/site.conf.template", &fixed),
            ]);
            assert!(!text.contains("X021"), "{copy}: {text}");
        }
    }

    /// A site reached through `include conf.d/*.conf` that is a gomplate template
    /// (rewardenv/reward: `resolver {{ getenv "NGINX_RESOLVER" "127.0.0.11" }};`), named
    /// `default.conf` or `default.conf.template`, is not parsed as nginx: the include
    /// says what is not known (470 false syntax errors before).
    #[test]
    fn a_go_template_reached_by_an_include_is_not_parsed() {
        let main = "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n";
        let template = "resolver {{ getenv \"NGINX_RESOLVER\" \"127.0.0.11\" }};\nserver {\n    listen 80;\n    root {{ getenv \"NGINX_ROOT\" \"/var/www/html\" }};\n}\n";
        for name in ["default.conf", "default.conf.template"] {
            let (text, code) = lint(&[
                ("rootfs/etc/nginx/nginx.conf", main),
                (&format!("rootfs/etc/nginx/conf.d/{name}"), template),
            ]);
            assert!(
                !text.contains("NGX001") && !text.contains("NGX013"),
                "{name}: {text}"
            );
            assert!(text.contains("is not linted"), "{name}: {text}");
            assert_eq!(code, 0, "{name}: {text}");
        }
    }

    /// A pool file that is a `{{NAME}}` template a start script renders (cachethq/docker:
    /// `pm.max_children = {{PHP_MAX_CHILDREN}}`) is not linted, and its `listen` is not
    /// known: "no pool listens on 127.0.0.1:9000" cannot be claimed. A pool file read
    /// whole that listens elsewhere still makes X001.
    #[test]
    fn a_pool_template_leaves_fastcgi_pass_undecided() {
        // Alpine 3.14 or later: its nginx reads sites from http.d (conf.d before).
        let dockerfile = "FROM alpine:3.16\nRUN apk add --no-cache nginx php7-fpm\nCOPY conf/php-fpm-pool.conf /etc/php7/php-fpm.d/www.conf\nCOPY conf/nginx-site.conf /etc/nginx/http.d/default.conf\nCMD [\"sh\", \"-c\", \"php-fpm7 && nginx -g 'daemon off;'\"]\n";
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let template = "[www]\nuser = nginx\ngroup = nginx\nlisten = 127.0.0.1:9000\npm = dynamic\npm.max_children = {{PHP_MAX_CHILDREN}}\npm.start_servers = 1\npm.min_spare_servers = 1\npm.max_spare_servers = 2\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/nginx-site.conf", site),
            ("conf/php-fpm-pool.conf", template),
        ]);
        assert!(!text.contains("X001"), "{text}");
        assert!(text.contains("not rendered, not linted"), "{text}");
        let elsewhere = template
            .replace("{{PHP_MAX_CHILDREN}}", "4")
            .replace("127.0.0.1:9000", "127.0.0.1:9001");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/nginx-site.conf", site),
            ("conf/php-fpm-pool.conf", &elsewhere),
        ]);
        assert!(text.contains("X001"), "{text}");
    }

    /// A Compose file that mounts the whole repository as application data into a
    /// container running neither server (yii2-app-advanced: `./:/app` into an Apache
    /// image) leaves the repository's nginx sample (`vagrant/nginx/app.conf`) a loose
    /// site: it was "used" by that mount, and the run said "no configuration found".
    #[test]
    fn an_application_mount_does_not_hide_a_loose_site() {
        let compose = "services:\n  frontend:\n    image: yiisoftware/yii2-php:8.2-apache\n    volumes:\n      - ./:/app\n    ports:\n      - 20080:80\n";
        let site = "server {\n    listen 80 default_server;\n    root /app/frontend/web;\n    gzip_typo on;\n}\n";
        let (text, code) = lint(&[
            ("docker-compose.yml", compose),
            ("vagrant/nginx/app.conf", site),
        ]);
        assert_eq!(code, 1, "{text}");
        assert!(
            text.contains("vagrant/nginx/app.conf") && text.contains("NGX010"),
            "{text}"
        );
        // Mounted into nginx's container, the same folder is that container's.
        let compose = "services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./vagrant/nginx:/etc/nginx/conf.d\n";
        let (text, _) = lint(&[
            ("docker-compose.yml", compose),
            ("vagrant/nginx/app.conf", site),
        ]);
        assert!(!text.contains("loose configuration files"), "{text}");
    }

    /// linuxserver's base image: nginx.conf is `include /config/nginx/nginx.conf;`, a file
    /// the start script copies into the /config volume. What it holds is not known, so
    /// "no events section" (NGX016) cannot be claimed; without the include it can.
    #[test]
    fn events_may_be_in_an_include_the_deployment_does_not_provide() {
        let dockerfile = "FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\nVOLUME /config\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("nginx.conf", "include /config/nginx/nginx.conf;\n"),
        ]);
        assert!(!text.contains("NGX016"), "{text}");
        assert!(text.contains("NGX005"), "{text}");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            (
                "nginx.conf",
                "http {\n    include /config/nginx/site.conf;\n}\n",
            ),
        ]);
        assert!(text.contains("NGX016"), "{text}");
    }

    /// Debian's `php5-fpm` (jessie) keeps its files in /etc/php5/fpm and its pool on
    /// /var/run/php5-fpm.sock, which nginx sites of that era name (kibatic/symfony-docker's
    /// 5.6 image); it was modelled as php8.2-fpm, and X001 said nothing listens there.
    #[test]
    fn debian_php5_fpm_has_its_own_layout() {
        let dockerfile = "FROM debian:jessie\nRUN apt-get update && apt-get install -y nginx php5-fpm\nCOPY default /etc/nginx/sites-enabled/default\nCMD [\"sh\", \"-c\", \"php5-fpm && nginx -g 'daemon off;'\"]\n";
        let site = |socket: &str| {
            format!("server {{\n    listen 80 default_server;\n    root /var/www/web;\n    location ~ \\.php$ {{\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:{socket};\n    }}\n}}\n")
        };
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("default", &site("/var/run/php5-fpm.sock")),
        ]);
        assert!(!text.contains("X001"), "{text}");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("default", &site("/run/php/php8.2-fpm.sock")),
        ]);
        assert!(text.contains("X001"), "{text}");
    }

    /// A start script that links the site into nginx's include folder before starting it
    /// (zabbix's web images: `ln -sfT /etc/zabbix/nginx.conf /etc/nginx/http.d/nginx.conf`;
    /// kibatic's: `ln -s /etc/nginx/sites-available/$NGINX_CONFIG.conf $NGINX_DEFAULT` with
    /// the script's own assignments): the site is read through the link. A link whose
    /// path keeps an unknown variable is left out.
    #[test]
    fn a_site_linked_by_the_start_script_is_linted() {
        let dockerfile = "FROM alpine:3.20\nCOPY [\"conf/etc/\", \"/etc/\"]\nRUN apk add --no-cache nginx php83-fpm\nCOPY [\"docker-entrypoint.sh\", \"/usr/bin/\"]\nENTRYPOINT [\"docker-entrypoint.sh\"]\n";
        let site = "server {\n    listen 8080;\n    root /usr/share/zabbix;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/tmp/no-such-socket.sock;\n    }\n}\n";
        let script = |ln: &str| {
            format!("#!/bin/sh\nZABBIX_ETC_DIR=/etc/zabbix\n{ln}\nphp-fpm83 -D\nexec nginx -g 'daemon off;'\n")
        };
        for ln in [
            "ln -sfT /etc/zabbix/nginx.conf /etc/nginx/http.d/nginx.conf",
            "ln -sfT \"$ZABBIX_ETC_DIR/nginx.conf\" /etc/nginx/http.d/nginx.conf",
        ] {
            let (text, _) = lint(&[
                ("Dockerfile", dockerfile),
                ("conf/etc/zabbix/nginx.conf", site),
                ("docker-entrypoint.sh", &script(ln)),
            ]);
            assert!(
                text.contains("conf/etc/zabbix/nginx.conf:7:22: X002"),
                "{ln}: {text}"
            );
        }
        let unknown = script("ln -sfT \"$UNSET_DIR/nginx.conf\" /etc/nginx/http.d/nginx.conf");
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/etc/zabbix/nginx.conf", site),
            ("docker-entrypoint.sh", &unknown),
        ]);
        assert!(!text.contains("X002"), "{text}");
        // A `{NAME}` the script fills in with a value it computes (zabbix:
        // `FCGI_READ_TIMEOUT=$(expr ...)`, then `sed -i "s/{FCGI_READ_TIMEOUT}/.../"`) leaves
        // the site unknown, not a parse error.
        let computed = format!(
            "{}FCGI_READ_TIMEOUT=$(expr ${{ZBX_MAXEXECUTIONTIME}} + 1)\nsed -i -e \"s/{{FCGI_READ_TIMEOUT}}/${{FCGI_READ_TIMEOUT}}/g\" /etc/zabbix/nginx.conf\n",
            script("ln -sfT /etc/zabbix/nginx.conf /etc/nginx/http.d/nginx.conf")
        );
        let placeholder = site.replace(
            "root /usr/share/zabbix;",
            "root /usr/share/zabbix;\n    fastcgi_read_timeout {FCGI_READ_TIMEOUT};",
        );
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/etc/zabbix/nginx.conf", &placeholder),
            ("docker-entrypoint.sh", &computed),
        ]);
        assert!(
            !text.contains("NGX013") && !text.contains("NGX001"),
            "{text}"
        );
        assert!(!text.contains("X002"), "{text}");
    }

    /// A php:*-fpm container that shares nginx's conf.d (mailcow's php-fpm writes nginx
    /// snippets there) runs no nginx: one deployment, nginx → php-fpm, not a phantom
    /// nginx inside the php-fpm container sharing its loopback.
    #[test]
    fn a_conf_d_mount_does_not_make_php_fpm_run_nginx() {
        let compose = "services:\n  nginx:\n    image: nginx:1.27-alpine\n    volumes:\n      - ./nginx/:/etc/nginx/conf.d/\n  phpfpm:\n    image: php:8.2-fpm\n    volumes:\n      - ./nginx/:/etc/nginx/conf.d/\n";
        let site = "server {\n    listen 80 default_server;\n    root /web;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass phpfpm:9000;\n    }\n}\n";
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "docker-compose.yml", compose);
        write(dir.path(), "nginx/site.conf", site);
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        let deployments: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("deployment "))
            .collect();
        assert_eq!(
            deployments,
            ["deployment nginx → phpfpm (from docker-compose.yml)"],
            "{text}"
        );
    }

    /// An ini fragment alone (craftcms/docker's `craft-cms.ini` for its images' conf.d)
    /// is no php-fpm: a loose site beside it is not cross-checked against an invented
    /// distribution pool (two false X002 whose fix would have broken the image).
    #[test]
    fn a_lone_ini_fragment_invents_no_php_fpm() {
        let site = "server {\n    listen 80 default_server;\n    root /app/web;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let ini = "memory_limit = 256M\nmax_execution_time = 120\n";
        let (text, _) = lint(&[("nginx/dev.default.conf", site), ("8.0/craft-cms.ini", ini)]);
        assert!(!text.contains("X002") && !text.contains("X001"), "{text}");
        assert!(text.contains("no php-fpm found beside nginx"), "{text}");
    }

    /// Build edits follow the file, not the name (review of the edit modelling): a `sed
    /// -i` of sites-available/app.conf is what nginx reads through its sites-enabled
    /// link; `echo ... > FILE` makes the file; a Compose bind mount over an edited file
    /// hides the edit (the repository's file is what runs).
    #[test]
    fn build_edits_follow_links_make_files_and_yield_to_mounts() {
        let site = "server {\n    listen 80 default_server;\n    root /var/www/public;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n    }\n}\n";
        let linked = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y nginx php8.2-fpm\nCOPY app.conf /etc/nginx/sites-available/app.conf\nRUN rm /etc/nginx/sites-enabled/default && ln -s /etc/nginx/sites-available/app.conf /etc/nginx/sites-enabled/app.conf\nRUN sed -i 's/php8.1-fpm/php8.2-fpm/' /etc/nginx/sites-available/app.conf\nCMD [\"sh\", \"-c\", \"php-fpm8.2 -D && nginx -g 'daemon off;'\"]\n";
        let (text, _) = lint(&[("Dockerfile", linked), ("app.conf", site)]);
        assert!(!text.contains("X001"), "{text}");
        let alpine = |run: &str| {
            format!("FROM php:8.2.7-fpm-alpine3.18\nRUN apk add --no-cache nginx\nCOPY site.conf /etc/nginx/http.d/default.conf\n{run}\nCMD [\"sh\", \"-c\", \"php-fpm -D && nginx -g 'daemon off;'\"]\n")
        };
        let tcp = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        include fastcgi_params;\n        include /etc/nginx/extra_params;\n    }\n}\n";
        let made = alpine("RUN echo 'fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;' > /etc/nginx/extra_params");
        let (text, _) = lint(&[("Dockerfile", &made), ("site.conf", tcp)]);
        assert!(
            !text.contains("NGX002") && !text.contains("NGX201"),
            "{text}"
        );
        // Compose mounts the repository's site over the file the RUN wrote.
        let compose = "services:\n  app:\n    build: .\n    volumes:\n      - ./site.conf:/etc/nginx/http.d/default.conf\n";
        let broken = tcp
            .replace("127.0.0.1:9000", "unix:/run/php-fpm.sock")
            .replace("        include /etc/nginx/extra_params;\n", "");
        let written =
            alpine("RUN echo 'server { listen 80; return 204; }' > /etc/nginx/http.d/default.conf");
        let (text, _) = lint(&[
            ("compose.yaml", compose),
            ("Dockerfile", &written),
            ("site.conf", &broken),
        ]);
        assert!(text.contains("site.conf:5:22: X002"), "{text}");
    }

    /// A TLS server whose certificate lines sit in an include the deployment does not
    /// provide (khs1994's `include conf.d/demo-include-ssl.config;`): NGX021 "no
    /// ssl_certificate" cannot be claimed; without the include it is.
    #[test]
    fn a_certificate_may_be_in_an_unprovided_include() {
        let site = "server {\n    listen 443 ssl;\n    server_name t.example.com;\n    root /app/public;\n    include conf.d/demo-include-ssl.config;\n}\n";
        let (text, _) = lint(&[("config/laravel.conf", site)]);
        assert!(!text.contains("NGX021"), "{text}");
        let (text, _) = lint(&[(
            "config/laravel.conf",
            &site.replace("    include conf.d/demo-include-ssl.config;\n", ""),
        )]);
        assert!(text.contains("NGX021"), "{text}");
    }

    /// phpdocker.io's images (`phpdockerio/php:8.2-fpm`, the older `phpdockerio/php74-fpm`)
    /// are Ubuntu's php-fpm package with a pool on port 9000: the overrides a Compose file
    /// mounts at /etc/php/X.Y/fpm/conf.d/ are read (cwbit/cakephp-docker's 300 s
    /// max_execution_time against nginx's 60 s: X006), and the pool reaches `php-fpm:9000`.
    #[test]
    fn phpdockerio_images_have_the_ubuntu_package_layout() {
        let site = "server {\n    listen 80 default_server;\n    root /application/public;\n    location ~ \\.php$ {\n        fastcgi_pass php-fpm:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        for (image, version) in [
            ("phpdockerio/php:8.2-fpm", "8.2"),
            ("phpdockerio/php74-fpm:latest", "7.4"),
        ] {
            let compose = format!("services:\n  webserver:\n    image: nginx:alpine\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n  php-fpm:\n    image: {image}\n    volumes:\n      - ./php-fpm/php-ini-overrides.ini:/etc/php/{version}/fpm/conf.d/99-overrides.ini\n");
            let (text, _) = lint(&[
                ("docker-compose.yml", &compose),
                ("nginx/default.conf", site),
                (
                    "php-fpm/php-ini-overrides.ini",
                    "max_execution_time = 300\n",
                ),
            ]);
            assert!(
                text.contains("X006") && !text.contains("X001") && !text.contains("X021"),
                "{image}: {text}"
            );
        }
    }

    /// SCRIPT_FILENAME may be set in an include the deployment does not provide (a
    /// snippet mounted from elsewhere): NGX201 cannot be claimed; without that include,
    /// the official image's fastcgi_params alone sends none.
    #[test]
    fn script_filename_may_be_in_an_unprovided_include() {
        let site = "server {\n    listen 80 default_server;\n    root /var/www/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        include /etc/nginx/snippets/php-params.conf;\n        fastcgi_pass php:9000;\n    }\n}\n";
        let compose = "services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./site.conf:/etc/nginx/conf.d/default.conf\n  php:\n    image: php:8.3-fpm\n";
        let (text, _) = lint(&[("compose.yaml", compose), ("site.conf", site)]);
        assert!(!text.contains("NGX201"), "{text}");
        let bare = site.replace("        include /etc/nginx/snippets/php-params.conf;\n", "");
        let (text, _) = lint(&[("compose.yaml", compose), ("site.conf", &bare)]);
        assert!(text.contains("NGX201"), "{text}");
    }

    /// A server's /etc copied into a repository: Debian's php-fpm.conf holds only
    /// `[global]`, `pid`, `error_log` and `include`, keys other programs use too; it was
    /// "not configuration, skipped", and a mistake in it went unseen. A site whose `map`
    /// names its regex groups (`(?<slug>...)`) was an "installer template" and never
    /// linted: its `fastcgi_pass` to a socket no pool listens on went unseen too.
    #[test]
    fn a_copied_etc_tree_lints_php_fpm_conf_and_sites_with_named_groups() {
        let (out, _) = lint(&[
            ("etc/nginx/nginx.conf", "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/sites-enabled/*;\n}\n"),
            ("etc/nginx/sites-enabled/shop", "map $request_uri $new_uri {\n    ~^/old/(?<slug>[a-z0-9-]+)/?$ /blog/$slug;\n    ~^/item\\.php\\?id=(?<id>[0-9]+)$ /p/$id;\n}\nserver {\n    listen 80;\n    root /var/www/shop;\n    if ($new_uri) {\n        return 301 $new_uri;\n    }\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.2-fpm-shop.sock;\n    }\n}\n"),
            ("etc/php/8.2/fpm/php-fpm.conf", "[global]\npid = /run/php/php8.2-fpm.pid\nerror_log = /var/log/php8.2-fpm.log\nlog_level = loud\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n"),
            ("etc/php/8.2/fpm/pool.d/shop.conf", "[shop]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.2-fpm-shop.socket\nlisten.owner = www-data\nlisten.group = www-data\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n"),
        ]);
        assert!(!out.contains("php-fpm.conf: not nginx"), "{out}");
        assert!(!out.contains("installer template"), "{out}");
        assert!(
            out.contains("etc/php/8.2/fpm/php-fpm.conf:4:") && out.contains("log_level"),
            "{out}"
        );
        assert!(
            out.contains("etc/nginx/sites-enabled/shop:13:") && out.contains("X001"),
            "{out}"
        );
    }

    /// One Compose file, several sites, each an nginx and a php-fpm service: each nginx is
    /// paired with the php-fpm its files name (`fastcgi_pass shop-php:9000` on one line
    /// with its location, or an upstream's `server blog-php:9000`), not with every php-fpm
    /// of the file (400 sites were 160 000 deployments: 9 GB, 88 s). A php-fpm no nginx
    /// names (a worker) and an nginx whose target is a variable are paired as before.
    #[test]
    fn each_nginx_is_paired_with_the_php_fpm_it_names() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "compose.yaml", "services:\n  shop:\n    image: nginx:1.25\n    volumes: [\"./shop.conf:/etc/nginx/conf.d/default.conf:ro\"]\n  shop-php:\n    image: php:8.2-fpm\n  blog:\n    image: nginx:1.25\n    volumes: [\"./blog.conf:/etc/nginx/conf.d/default.conf:ro\"]\n  blog-php:\n    image: php:8.2-fpm\n  any:\n    image: nginx:1.25\n    volumes: [\"./any.conf:/etc/nginx/conf.d/default.conf:ro\"]\n  worker:\n    image: php:8.2-fpm\n");
        write(dir.path(), "shop.conf", "server {\n  listen 80;\n  location ~ \\.php$ { include fastcgi_params; fastcgi_pass shop-php:9000; }\n}\n");
        write(dir.path(), "blog.conf", "upstream blog_fpm {\n  server blog-php:9000;\n}\nserver {\n  listen 80;\n  location ~ \\.php$ {\n    include fastcgi_params;\n    fastcgi_pass blog_fpm;\n  }\n}\n");
        write(dir.path(), "any.conf", "server {\n  listen 80;\n  set $php_host shop-php;\n  location ~ \\.php$ {\n    include fastcgi_params;\n    resolver 127.0.0.11;\n    fastcgi_pass $php_host:9000;\n  }\n}\n");
        let (out, _) = run_in(dir.path(), &["deployments", "."]);
        let mut pairs: Vec<&str> = out
            .lines()
            .filter_map(|l| l.strip_prefix("deployment "))
            .map(|l| l.split(" (from").next().unwrap_or(l))
            .collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [
                "any → blog-php",
                "any → shop-php",
                "any → worker",
                "blog → blog-php",
                "blog → worker",
                "shop → shop-php",
                "shop → worker",
            ],
            "{out}"
        );
    }

    /// A manifest of a whole platform is megabytes (rendered charts, CRDs, thousands of
    /// objects): one of 2.6 MB was passed over in silence ("no configuration found"),
    /// since files over 2 MiB were never read. Manifests are read up to 16 MiB; a file
    /// named like configuration and too large to read is named in a note, with its size.
    #[test]
    fn a_large_manifest_is_linted_and_a_too_large_file_is_named() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1.25\n    volumeMounts:\n    - name: conf\n      mountPath: /etc/nginx/conf.d/default.conf\n      subPath: site.conf\n  - name: php\n    image: php:8.2-fpm\n  volumes:\n  - name: conf\n    configMap:\n      name: nginx-config\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-config\ndata:\n  site.conf: |\n    server {\n      listen 80;\n      sendfile maybe;\n      location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME /var/www/html$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n      }\n    }\n";
        // Other objects of the platform: 3 MB of ConfigMaps that are not nginx's.
        let mut manifest = pod.to_string();
        for i in 0..30 {
            manifest.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: data{i}\ndata:\n"
            ));
            for j in 0..100 {
                manifest.push_str(&format!("  v{j}: \"{}\"\n", "y".repeat(998)));
            }
        }
        assert!(manifest.len() > 3_000_000, "{}", manifest.len());
        let (text, code) = lint(&[("deploy/all.yaml", manifest.as_str())]);
        assert_eq!(code, 1, "{text}");
        assert!(
            text.contains("all.yaml") && text.contains("NGX014"),
            "{text}"
        );
        // A site of 2.7 MB nothing includes: named, with why, rather than dropped.
        let big_site = format!(
            "server {{\n    listen 80;\n{}}}\n",
            "    # a redirect list longer than any site\n".repeat(62_000)
        );
        let (text, _) = lint(&[
            ("nginx/big.conf", big_site.as_str()),
            (
                "docker-compose.yml",
                "services:\n  web:\n    image: nginx:1.25\n",
            ),
        ]);
        assert!(
            text.contains("big.conf: 2.7 MB, larger than the 2 MiB read to recognise configuration; not linted on its own"),
            "{text}"
        );
    }

    /// A Compose file of nine anchors of nine aliases each (1 KB, 9^10 nodes once built:
    /// a "billion laughs") hung the linter while the YAML library copied aliases. It is
    /// now counted before it is built, refused with a note, and the rest is linted.
    #[test]
    fn a_yaml_alias_bomb_is_refused_with_a_note() {
        let mut bomb =
            "services:\n  web:\n    image: nginx\n    x-l0: &l0 [a, a, a, a, a, a, a, a, a]\n"
                .to_string();
        for i in 1..=9 {
            let refs = vec![format!("*l{}", i - 1); 9].join(", ");
            bomb.push_str(&format!("    x-l{i}: &l{i} [{refs}]\n"));
        }
        let site = "server {\n    listen 80;\n    sendfile maybe;\n}\n";
        let (text, code) = lint(&[
            ("docker-compose.yml", bomb.as_str()),
            ("etc/nginx/conf.d/default.conf", site),
        ]);
        assert!(
            text.contains(
                "docker-compose.yml: YAML whose aliases expand to more than 1000000 nodes"
            ),
            "{text}"
        );
        assert!(text.contains("NGX014"), "{text}");
        assert_eq!(code, 1, "{text}");
    }

    /// A socket folder is often kept out of the checkout (`./socket:/sock` in nginx and
    /// php-fpm, only a runtime socket in it): Docker creates it at `up`, and both services
    /// share it. Absent, it was "a file of nginx's container: no volume shares it" (X023,
    /// an error); the same repository with the folder committed was clean (a tutorial
    /// of zenn.dev, triage 16b). A folder only one service mounts is still not shared.
    #[test]
    fn a_bind_folder_missing_from_the_checkout_is_still_shared() {
        let compose = |php_mounts_it: bool| {
            format!(
                "services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/conf.d:/etc/nginx/conf.d\n      - ./socket:/sock\n      - ./src:/var/www/html\n  php:\n    image: php:8.3-fpm\n    volumes:\n      - ./src:/var/www/html\n      - ./php/zzz-socket.conf:/usr/local/etc/php-fpm.d/zzz-socket.conf\n{}",
                if php_mounts_it { "      - ./socket:/sock\n" } else { "" }
            )
        };
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/sock/php-fpm.sock;\n    }\n}\n";
        let pool = "[www]\nlisten = /sock/php-fpm.sock\nlisten.mode = 0666\n";
        let shared = compose(true);
        let (text, code) = lint(&[
            ("compose.yaml", shared.as_str()),
            ("nginx/conf.d/default.conf", site),
            ("php/zzz-socket.conf", pool),
            ("src/index.php", "<?php phpinfo();\n"),
        ]);
        assert!(!text.contains("X023"), "{text}");
        assert_eq!(code, 0, "{text}");
        let alone = compose(false);
        let (text, _) = lint(&[
            ("compose.yaml", alone.as_str()),
            ("nginx/conf.d/default.conf", site),
            ("php/zzz-socket.conf", pool),
            ("src/index.php", "<?php phpinfo();\n"),
        ]);
        assert!(text.contains("X023"), "{text}");
    }

    /// The api-platform / symfony-docker pattern: the override file only switches the
    /// stage (`build: {target: app_php_dev}`). `build:` merges key by key, as `docker
    /// compose config` shows; the override replaced it whole, lost the context and the
    /// Dockerfile, and php-fpm vanished with every cross-check (ArmaForces, triage 16a).
    #[test]
    fn an_override_that_only_sets_the_build_target_keeps_the_base_build() {
        let dockerfile = "FROM php:8.3-fpm-alpine AS app_php\nCMD [\"php-fpm\"]\n\nFROM app_php AS app_php_dev\nRUN echo dev\n\nFROM nginx:1.27-alpine AS app_nginx\nCOPY .docker/nginx/default.conf /etc/nginx/conf.d/default.conf\n";
        let base = "services:\n  php:\n    build:\n      context: ./\n      dockerfile: ./.docker/Dockerfile\n      target: app_php\n    volumes:\n      - './:/www/app'\n  nginx:\n    build:\n      context: ./\n      dockerfile: ./.docker/Dockerfile\n      target: app_nginx\n    volumes:\n      - './public:/www/app/public:ro'\n    depends_on: [php]\n    ports: ['8080:80']\n";
        let site = "server {\n    root /www/app/public;\n    location / {\n        try_files $uri /index.php$is_args$args;\n    }\n    location ~ ^/index\\.php(/|$) {\n        fastcgi_pass php:9001;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;\n        internal;\n    }\n}\n";
        let files = |override_file: Option<&'static str>| {
            let mut files = vec![
                (".docker/Dockerfile", dockerfile),
                (".docker/nginx/default.conf", site),
                ("docker-compose.yml", base),
                ("public/index.php", "<?php\n"),
            ];
            if let Some(o) = override_file {
                files.push(("docker-compose.override.yml", o));
            }
            files
        };
        for override_file in [
            None,
            Some("services:\n  php:\n    build:\n      target: app_php_dev\n"),
        ] {
            let (text, _) = lint(&files(override_file));
            assert!(text.contains("X021"), "{override_file:?}: {text}");
            assert!(
                !text.contains("which the repository does not have"),
                "{text}"
            );
        }
    }

    /// Shell-form `COPY`/`ADD` arguments are shell words: `ADD www.conf
    /// "/usr/local/etc/php-fpm.d/www.conf"` (Enrikerf/docker-lemp) was placed at
    /// `/"/usr/…"`, and the image's stock pool linted in its place (triage 16a).
    #[test]
    fn quoted_copy_destinations_are_unquoted() {
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9000\npm = dynamik\npm.max_children = 5\n";
        for dest in [
            "\"/usr/local/etc/php-fpm.d/www.conf\"",
            "'/usr/local/etc/php-fpm.d/www.conf'",
            "\"$PHP_INI_DIR/../php-fpm.d/www.conf\"",
        ] {
            let dockerfile = format!("FROM php:8.2-fpm\nADD etc/php-fpm.d/www.conf {dest}\n");
            let (text, _) = lint(&[
                ("Dockerfile", dockerfile.as_str()),
                ("etc/php-fpm.d/www.conf", pool),
            ]);
            assert!(
                text.contains("etc/php-fpm.d/www.conf:5:6: FPM004"),
                "{dest}: {text}"
            );
        }
    }

    /// `./app:$CODE_FOLDER` with no `.env` in the repository: the target is empty, which
    /// Docker refuses (a mount target is absolute), so nothing is mounted. Read as a mount
    /// over `/`, it hid the image's pools: FPM006 "No pool defined" on the stock
    /// php-fpm.conf, and X021 (Enrikerf/docker-lemp, triage 16a). Unset variables are
    /// named in a note.
    #[test]
    fn a_mount_target_left_empty_by_an_unset_variable_mounts_nothing() {
        let compose = "services:\n  php-fpm:\n    image: php:8.3-fpm-alpine\n    volumes:\n      - ./app:$CODE_FOLDER\n  nginx:\n    image: nginx:1.27-alpine\n    volumes:\n      - ./docker/nginx/default.conf:/etc/nginx/conf.d/default.conf\n";
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass php-fpm:9000;\n    }\n}\n";
        let (text, _) = lint(&[
            ("docker-compose.yml", compose),
            ("docker/nginx/default.conf", site),
        ]);
        assert!(!text.contains("FPM006") && !text.contains("X021"), "{text}");
        assert!(
            text.contains("docker-compose.yml: CODE_FOLDER not set"),
            "{text}"
        );
    }

    /// The entrypoint renders the vhost itself (`envsubst '${PHP_HOST}' < TEMPLATE >
    /// conf.d/default.conf`; api-platform's style, which replaces the nginx image's own
    /// template step): the rendered file is what nginx loads. It was never linted (the
    /// image's stock default.conf was, in its place); rendered in place through a `cp` to
    /// a temporary file, its raw `${VAR}`s were false NGX014s (ArmaForces, mks,
    /// sparkfabrik; triage 16a).
    #[test]
    fn a_vhost_the_entrypoint_renders_with_envsubst_is_linted_rendered() {
        let site = "server {\n    listen 80;\n    root /www/app/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass ${PHP_HOST}:9001;\n    }\n}\n";
        let dockerfile = "FROM php:8.3-fpm-alpine AS app_php\nCMD [\"php-fpm\"]\n\nFROM nginx:1.27-alpine AS app_nginx\nCOPY .docker/nginx/default.conf /etc/nginx/conf.d/default.conf.template\nCOPY .docker/nginx/docker-entrypoint.sh /usr/local/bin/docker-entrypoint\nENTRYPOINT [\"docker-entrypoint\"]\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n";
        let entrypoint = "#!/usr/bin/env sh\nset -eu\nenvsubst '${PHP_HOST}' < /etc/nginx/conf.d/default.conf.template > /etc/nginx/conf.d/default.conf\nexec \"$@\"\n";
        let compose = "services:\n  php:\n    build:\n      context: ./\n      dockerfile: ./.docker/Dockerfile\n      target: app_php\n  nginx:\n    build:\n      context: ./\n      dockerfile: ./.docker/Dockerfile\n      target: app_nginx\n    environment:\n      PHP_HOST: php\n";
        let (text, _) = lint(&[
            (".docker/Dockerfile", dockerfile),
            (".docker/nginx/default.conf", site),
            (".docker/nginx/docker-entrypoint.sh", entrypoint),
            ("docker-compose.yml", compose),
        ]);
        assert!(
            text.contains("/etc/nginx/conf.d/default.conf:7:22: X021")
                && text.contains("port of php:9001"),
            "{text}"
        );
        // In place, through a temporary copy, with the script's own defaults.
        let custom = "server_tokens ${SERVER_TOKEN_TOGGLE};\nclient_max_body_size ${NGINX_CLIENT_MAX_BODY_SIZE};\n";
        let script = "#!/bin/sh\nexport NGINX_CLIENT_MAX_BODY_SIZE=\"${NGINX_CLIENT_MAX_BODY_SIZE:-200M}\"\nSERVER_TOKEN_TOGGLE=\"off\"\nexport SERVER_TOKEN_TOGGLE\ncp /etc/nginx/conf.d/000-custom.conf /etc/nginx/conf.d/000-custom.conf.tmp\nenvsubst '${SERVER_TOKEN_TOGGLE} ${NGINX_CLIENT_MAX_BODY_SIZE}' < /etc/nginx/conf.d/000-custom.conf.tmp > /etc/nginx/conf.d/000-custom.conf\nrm /etc/nginx/conf.d/000-custom.conf.tmp\nexec nginx -g 'daemon off;'\n";
        let (text, _) = lint(&[
            ("Dockerfile", "FROM nginx:1.25.3-alpine-slim\nCOPY docker-entrypoint.sh /docker-entrypoint.sh\nCOPY config/conf.d /etc/nginx/conf.d\nENTRYPOINT [ \"/docker-entrypoint.sh\" ]\n"),
            ("docker-entrypoint.sh", script),
            ("config/conf.d/000-custom.conf", custom),
        ]);
        assert!(!text.contains("NGX014"), "{text}");
    }

    /// One image for two services (nochlezhka/mks): `php` runs the php image's php-fpm,
    /// `nginx` replaces the entrypoint with a script that starts nginx alone, and builds
    /// the image both name. nginx's service was taken to run php-fpm too ("one network
    /// stack"), so its `127.0.0.1:9000` passed; and `php`, naming the image `nginx`
    /// builds, was not known as php-fpm at all (triage 16a). X019 now says where 9000 is.
    #[test]
    fn a_service_whose_script_starts_only_nginx_does_not_run_the_images_php_fpm() {
        let (text, _) = lint(&[
            ("docker-compose.yml", "services:\n  nginx:\n    build: .\n    image: example/app\n    entrypoint: [\"/etc/nginx/entrypoint.sh\"]\n    ports: [\"8080:80\"]\n    depends_on: [php]\n  php:\n    image: example/app\n"),
            ("Dockerfile", "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx\nCOPY nginx/default.conf /etc/nginx/http.d/default.conf\nCOPY nginx/entrypoint.sh /etc/nginx/entrypoint.sh\n"),
            ("nginx/entrypoint.sh", "#!/bin/sh\nexec /usr/sbin/nginx -g 'daemon off;'\n"),
            ("nginx/default.conf", "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n"),
        ]);
        assert!(text.contains("nginx/default.conf:7:22: X019"), "{text}");
        // A script that starts both, php-fpm under its package's name (mediawiki4intranet:
        // `service php7.4-fpm start`, `service nginx start`): one network stack.
        let (text, _) = lint(&[
            ("Dockerfile", "FROM debian:bookworm\nRUN apt-get install -y nginx php8.2-fpm\nCOPY start.sh /home/start.sh\nCOPY default.conf /etc/nginx/sites-enabled/default\nCMD /home/start.sh\n"),
            ("start.sh", "#!/bin/sh\nservice php8.2-fpm start\nservice nginx start\ntail -fn0 /dev/null\n"),
            ("default.conf", "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.1-fpm.sock;\n    }\n}\n"),
        ]);
        assert!(text.contains("X001"), "{text}");
    }

    /// Bitnami's own README server block (`include fastcgi.conf;`) in bitnami/nginx,
    /// which is built from nginx's sources and keeps their fastcgi.conf: its sites are
    /// linted in the official image's nginx.conf as a stand-in, whose packages drop that
    /// file, and the stand-in's gap was reported as two errors (NGX002, NGX201; the
    /// README block is in more than ten repositories; triage 16b).
    #[test]
    fn bitnamis_readme_server_block_finds_fastcgi_conf() {
        let (text, code) = lint(&[
            ("docker-compose.yml", "services:\n  phpfpm:\n    image: 'bitnami/php-fpm:latest'\n    volumes:\n      - ./app:/app\n  nginx:\n    image: 'bitnami/nginx:latest'\n    depends_on:\n      - phpfpm\n    ports:\n      - '80:8080'\n    volumes:\n      - ./server_block.conf:/opt/bitnami/nginx/conf/server_blocks/yourapp.conf\n      - ./app:/app\n"),
            ("server_block.conf", "server {\n  listen 0.0.0.0:8080;\n  server_name myapp.com;\n  root /app;\n  location / {\n    try_files $uri $uri/ /index.php?$args;\n  }\n  location ~ \\.php$ {\n    fastcgi_pass phpfpm:9000;\n    fastcgi_index index.php;\n    include fastcgi.conf;\n  }\n}\n"),
            ("app/index.php", "<?php echo 'ok';\n"),
        ]);
        assert!(
            !text.contains("NGX002") && !text.contains("NGX201"),
            "{text}"
        );
        assert_eq!(code, 0, "{text}");
    }

    /// Dommmin/laravel-production: the production Compose file runs registry images
    /// (`${REGISTRY}/${PHP_IMAGE_NAME}:${TAG:-latest}`) that a GitHub workflow builds with
    /// docker/build-push-action from docker/php/Dockerfile and docker/nginx/Dockerfile.
    /// The services run those builds, so nginx and php-fpm are cross-checked (a wrong port:
    /// X021); without the workflow they were two unrelated one-sided images, and the note
    /// named the image `/:latest` (triage 16a).
    #[test]
    fn images_a_ci_workflow_builds_run_their_dockerfiles() {
        // The scheduler runs the same image with a shell loop of `php artisan`: no php-fpm.
        let compose = "services:\n  app:\n    image: ${REGISTRY}/${PHP_IMAGE_NAME}:${TAG:-latest}\n  scheduler:\n    image: ${REGISTRY}/${PHP_IMAGE_NAME}:${TAG:-latest}\n    entrypoint: [\"sh\", \"-c\", \"while :; do php artisan schedule:run --verbose; sleep 60; done\"]\n  nginx:\n    image: ${REGISTRY}/${NGINX_IMAGE_NAME}:${TAG:-latest}\n    ports: [\"80:80\"]\n";
        let workflow = "env:\n  REGISTRY: ghcr.io\n  PHP_IMAGE_NAME: acme/app-php\n  NGINX_IMAGE_NAME: acme/app-nginx\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          file: docker/php/Dockerfile\n          tags: ${{ env.REGISTRY }}/${{ env.PHP_IMAGE_NAME }}:latest\n      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          file: docker/nginx/Dockerfile\n          tags: ${{ env.REGISTRY }}/${{ env.NGINX_IMAGE_NAME }}:latest\n";
        let php = "FROM php:8.3-fpm-alpine\nCOPY . /var/www\n";
        let nginx = "FROM nginx:stable-alpine\nCOPY docker/nginx/conf.d /etc/nginx/conf.d\nCOPY public /var/www/public\n";
        let site = "server {\n    listen 80;\n    root /var/www/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass app:9001;\n    }\n}\n";
        let files = [
            ("docker-compose.production.yml", compose),
            (".github/workflows/build.yml", workflow),
            ("docker/php/Dockerfile", php),
            ("docker/nginx/Dockerfile", nginx),
            ("docker/nginx/conf.d/default.conf", site),
            ("public/index.php", "<?php\n"),
            (
                "docker/php/www.conf",
                "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = static\npm.max_children = 4\n",
            ),
        ];
        let (text, _) = lint(&files);
        assert!(text.contains("X021"), "{text}");
        assert!(
            text.contains("is built by .github/workflows/build.yml from ./docker/php/Dockerfile"),
            "{text}"
        );
        assert!(!text.contains("→ scheduler"), "{text}");
        // A look-alike: the workflow builds another name; php-fpm's Dockerfile is an
        // image of its own again.
        let other = workflow.replace("file: docker/php/Dockerfile\n          tags: ${{ env.REGISTRY }}/${{ env.PHP_IMAGE_NAME }}", "file: docker/php/Dockerfile\n          tags: ${{ env.REGISTRY }}/${{ env.WORKER_IMAGE_NAME }}");
        let mut files = files;
        files[1].1 = &other;
        let (text, _) = lint(&files);
        assert!(!text.contains("X021"), "{text}");
        assert!(
            text.contains("./docker/php/Dockerfile (php-fpm only)"),
            "{text}"
        );
        assert!(
            !text.contains("is built by .github/workflows/build.yml from ./docker/php/Dockerfile"),
            "{text}"
        );
    }

    /// dazz/s6-nginx-php-fpm: s6-overlay installed by copying another image's tree onto
    /// `/` (`COPY --from=s6 /s6/root /`). A COPY merges: the image's php-fpm.conf and
    /// nginx's mime.types stay, so the site is linted and paired with the image's pool. It
    /// wiped the whole image: "php-fpm not linted" and the includes "not provided" (triage
    /// 17a). A path neither layer has is unknown, not missing.
    #[test]
    fn another_images_files_copied_onto_root_merge_with_the_image() {
        let dockerfile = "FROM example/s6-overlay:latest AS s6\nFROM php:8.3-fpm-alpine3.20\nRUN apk add --no-cache nginx\nCOPY --from=s6 /s6/root /\nCOPY root /\n";
        let nginx = "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/sites-enabled/*;\n}\n";
        let site = "server {\n    listen 80;\n    root /var/www/html/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9001;\n    }\n}\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("root/etc/nginx/nginx.conf", nginx),
            ("root/etc/nginx/sites-enabled/default", site),
        ]);
        // The image's pool listens on 9000: the wrong port is found, nothing is "not provided".
        assert!(text.contains("X021") || text.contains("X001"), "{text}");
        assert!(!text.contains("not provided"), "{text}");
        assert!(!text.contains("php-fpm not linted"), "{text}");
    }

    /// bastille-templates/wordpress: a FreeBSD jail's overlay (`usr/local/etc/nginx/vhosts/`,
    /// `usr/local/etc/php-fpm.d/`) is FreeBSD's packages, whose nginx runs as `www`, the
    /// owner of the pool's socket: read as the official image's `nginx` user it was a false
    /// X003 error (triage 17b). A socket `www` may not open is still found, naming `www`.
    #[test]
    fn a_freebsd_overlay_runs_nginx_as_www() {
        let site = "server {\n    listen 80 default_server;\n    root /usr/local/www;\n    location ~ \\.php$ {\n        try_files $uri =404;\n        fastcgi_pass unix:/var/run/php-fpm.sock;\n        fastcgi_param SCRIPT_FILENAME $request_filename;\n        include fastcgi_params;\n    }\n}\n";
        let pool = |owner: &str| {
            format!("[www]\nuser = www\ngroup = www\nlisten = /var/run/php-fpm.sock\nlisten.owner = {owner}\nlisten.group = {owner}\nlisten.mode = 0660\npm = static\npm.max_children = 5\n")
        };
        let good = pool("www");
        let (text, _) = lint(&[
            ("usr/local/etc/nginx/vhosts/defaults.conf", site),
            ("usr/local/etc/php-fpm.d/www.conf", &good),
        ]);
        assert!(!text.contains("X003"), "{text}");
        assert!(!text.contains("X001"), "{text}");
        let bad = pool("root");
        let (text, _) = lint(&[
            ("usr/local/etc/nginx/vhosts/defaults.conf", site),
            ("usr/local/etc/php-fpm.d/www.conf", &bad),
        ]);
        assert!(text.contains("X003") && text.contains("\"www\""), "{text}");
        // The repository's own nginx.conf says the user, not the stand-in.
        let main = "user nobody;\nevents {}\nhttp {\n    include vhosts/*.conf;\n}\n";
        let (text, _) = lint(&[
            ("usr/local/etc/nginx/nginx.conf", main),
            ("usr/local/etc/nginx/vhosts/defaults.conf", site),
            ("usr/local/etc/php-fpm.d/www.conf", &good),
        ]);
        assert!(
            text.contains("X003") && text.contains("\"nobody\""),
            "{text}"
        );
    }

    /// koillection's production image: `COPY ./ /var/www/app`, then a RUN copies the
    /// application's nginx.conf over the package's (`cp .../docker/nginx.conf
    /// /etc/nginx/nginx.conf`). That file runs, and findings point into it; the package's
    /// stock nginx.conf was linted instead, "No problems found" (triage 17a).
    #[test]
    fn a_file_a_run_copies_over_a_stock_one_is_the_one_linted() {
        let dockerfile = "FROM ubuntu:jammy\nCOPY ./ /var/www/app\nRUN apt-get update && apt-get install -y nginx-light php8.1-fpm && \\\n    cp /var/www/app/docker/nginx.conf /etc/nginx/nginx.conf\nCMD [\"sh\",\"-c\",\"php-fpm8.1 && nginx -g 'daemon off;'\"]\n";
        let nginx = "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    server {\n        listen 80;\n        root /var/www/app/public;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/run/php/php-fpm-WRONG.sock;\n        }\n    }\n}\n";
        let (text, _) = lint(&[("Dockerfile", dockerfile), ("docker/nginx.conf", nginx)]);
        assert!(text.contains("docker/nginx.conf:11:"), "{text}");
        assert!(text.contains("X001"), "{text}");
    }

    /// yeszao/dnmp's `services/nginx/` (nginx.conf and conf.d/): the folder stands for
    /// /etc/nginx and its conf.d replaces the image's, whose default.conf beside the
    /// repository's localhost site was a false NGX101 (triage 17c). The image's other
    /// files (mime.types, fastcgi_params) stay.
    #[test]
    fn a_loose_nginx_folders_conf_d_replaces_the_images() {
        let main = "user nginx;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n}\n";
        let site = "server {\n    listen 80;\n    server_name localhost;\n    root /usr/share/nginx/html;\n}\n";
        let (text, _) = lint(&[
            ("services/nginx/nginx.conf", main),
            ("services/nginx/conf.d/localhost.conf", site),
        ]);
        assert!(!text.contains("NGX101"), "{text}");
        assert!(!text.contains("NGX005"), "{text}");
    }

    /// Debian's and Ubuntu's nginx package is the release's own: trixie installs 1.26, where
    /// `http2 on;` exists (1.25.1). Every Debian-based image was read as bookworm's 1.22,
    /// and the directive was a false NGX010 error; stretch's 1.10 is not 1.22 either.
    #[test]
    fn a_debian_base_image_installs_its_releases_nginx() {
        let dockerfile = |base: &str| {
            format!("FROM {base}\nRUN apt-get update && apt-get install -y nginx php-fpm\nCOPY site.conf /etc/nginx/sites-enabled/default\n")
        };
        let site = "server {\n    listen 443 ssl;\n    http2 on;\n    ssl_certificate /etc/ssl/certs/a.pem;\n    ssl_certificate_key /etc/ssl/private/a.key;\n    root /var/www/html;\n}\n";
        let trixie = dockerfile("debian:trixie-slim");
        let (text, _) = lint(&[("Dockerfile", &trixie), ("site.conf", site)]);
        assert!(!text.contains("NGX010"), "{text}");
        // The look-alike: bookworm's 1.22 has no `http2` directive.
        let bookworm = dockerfile("debian:bookworm-slim");
        let (text, _) = lint(&[("Dockerfile", &bookworm), ("site.conf", site)]);
        assert!(text.contains("NGX010"), "{text}");
    }

    /// A copy of a Debian server's /etc says nothing of the nginx version (trellis installs
    /// nginx.org's mainline): `listen 443 quic` is a note like `http3 on;` and
    /// `quic_retry`, not an error beside them (triage 18b); with the version given, both
    /// are errors.
    #[test]
    fn quic_on_a_guessed_nginx_version_is_a_note_like_http3() {
        let main =
            "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n";
        let site = "server {\n    listen 443 ssl;\n    listen 443 quic reuseport;\n    http3 on;\n    ssl_certificate /etc/ssl/a.pem;\n    ssl_certificate_key /etc/ssl/a.key;\n    root /srv/www;\n}\n";
        let (text, _) = lint(&[
            ("etc/nginx/nginx.conf", main),
            ("etc/nginx/sites-enabled/site", site),
        ]);
        assert!(
            text.contains("NGX014 [note] invalid parameter \"quic\""),
            "{text}"
        );
        assert!(
            text.contains("NGX010 [note] unknown directive \"http3\""),
            "{text}"
        );
        assert!(!text.contains("[error]"), "{text}");
    }

    /// kimai's `tobybatch/nginx-fpm-reverse-proxy` is an nginx named for the php-fpm it
    /// fronts: taken for a php-fpm image, the stack had "no nginx" and its loopback
    /// `fastcgi_pass` a bogus X027 note instead of X019 (triage 18a). `nginx-php-fpm`
    /// images run both and keep the fpm layout.
    #[test]
    fn an_nginx_image_named_for_fpm_runs_nginx() {
        let compose = "services:\n  nginx:\n    image: tobybatch/nginx-fpm-reverse-proxy\n    volumes:\n      - ./default.conf:/etc/nginx/conf.d/default.conf\n  kimai:\n    image: kimai/kimai2:fpm\n";
        let site = "server {\n    listen 80;\n    root /opt/kimai/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let (text, _) = lint(&[("docker-compose.yml", compose), ("default.conf", site)]);
        assert!(text.contains("X019 [error]"), "{text}");
        assert!(!text.contains("X027"), "{text}");
    }

    /// invoiceninja's image tunes the official php image with a drop-in named
    /// `php-fpm.d/invoiceninja.conf`: read before the image's `www.conf`, whose
    /// `pm.max_children = 5` replaces its 10 (`php-fpm -tt` shows 5). Named `zz-*.conf`,
    /// it is read last and applies (triage 18a).
    #[test]
    fn a_drop_in_read_before_the_images_pool_file_is_overridden() {
        let dockerfile = |name: &str| {
            format!("FROM php:8.4-fpm\nCOPY php/php-fpm.conf /usr/local/etc/php-fpm.d/{name}\n")
        };
        let tuning = "pm.max_children = 10\n";
        let early = dockerfile("invoiceninja.conf");
        let (text, _) = lint(&[("Dockerfile", &early), ("php/php-fpm.conf", tuning)]);
        assert!(text.contains("php/php-fpm.conf:1:1: FPM112"), "{text}");
        assert!(
            text.contains("/usr/local/etc/php-fpm.d/www.conf:"),
            "{text}"
        );
        let late = dockerfile("zz-invoiceninja.conf");
        let (text, _) = lint(&[("Dockerfile", &late), ("php/php-fpm.conf", tuning)]);
        assert!(!text.contains("FPM112"), "{text}");
    }

    /// A loose pool file that opens `[www]` under another name (VVV's
    /// `config/php-config/php-www.conf`) is the package's www.conf, put there by the
    /// provisioning: placed beside the stock one, the stock file read after it replaced
    /// its `listen` (a false FPM112 and X001).
    #[test]
    fn a_loose_www_pool_under_another_name_is_the_www_conf() {
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = /var/run/php8.2-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";
        let site = "server {\n    listen 80;\n    root /srv/www;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass unix:/var/run/php8.2-fpm.sock;\n    }\n}\n";
        let (text, _) = lint(&[
            ("config/php-config/php-www.conf", pool),
            ("config/nginx-config/sites/default.conf", site),
        ]);
        assert!(!text.contains("FPM112"), "{text}");
        assert!(!text.contains("X001"), "{text}");
    }

    /// magento-cloud-docker's `etc/php-fpm.conf` opens with `[global]` and has no
    /// `include`: a main file (its Dockerfile COPYs it over the image's). Loose, it was
    /// placed in php-fpm.d beside the stock www.conf, which then overrode its pool
    /// (four false FPM112 in the corpus diff).
    #[test]
    fn a_loose_global_file_without_include_is_a_main_file() {
        let main = "[global]\nerror_log = /proc/self/fd/2\ndaemonize = no\n\n[www]\nlisten = [::]:9000\npm = dynamic\npm.max_children = 10\npm.start_servers = 4\npm.min_spare_servers = 2\npm.max_spare_servers = 6\n";
        let (text, _) = lint(&[("images/php/fpm/etc/php-fpm.conf", main)]);
        assert!(!text.contains("FPM112"), "{text}");
    }

    /// VVV's nginx.conf reads its sites from `/etc/nginx/custom-sites/*.conf` (its
    /// provisioning copies `config/sites/` there): the loose sites were placed in a
    /// sites-enabled it never reads, and an unknown directive and a missing
    /// SCRIPT_FILENAME gave "No problems found" (triage 18b).
    #[test]
    fn loose_sites_go_where_the_repositorys_nginx_conf_reads_sites() {
        let main = "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/custom-sites/*.conf;\n}\n";
        let site = "server {\n    listen 80;\n    root /srv/www;\n    bogus_directive on;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n";
        let (text, _) = lint(&[
            ("nginx/nginx.conf", main),
            ("nginx/sites/default.conf", site),
        ]);
        assert!(
            text.contains("nginx/sites/default.conf:4:5: NGX010"),
            "{text}"
        );
        assert!(text.contains("NGX201"), "{text}");
    }

    /// A server's /etc kept in a repository lacks `/etc/letsencrypt` (certbot writes it
    /// beside the private keys, which nobody commits): its `options-ssl-nginx.conf` is
    /// "not provided" (a note), not a missing file (an error on every certbot site,
    /// triage 18b). A file missing below a tree the copy holds is still an error.
    #[test]
    fn a_checkout_lacking_a_whole_tree_says_nothing_of_its_files() {
        let main =
            "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n";
        let site = |include: &str| {
            format!("server {{\n    listen 80;\n    server_name example.com;\n    root /srv/www;\n    include {include};\n}}\n")
        };
        let certbot = site("/etc/letsencrypt/options-ssl-nginx.conf");
        let (text, _) = lint(&[
            ("etc/nginx/nginx.conf", main),
            ("etc/nginx/sites-enabled/example", &certbot),
        ]);
        assert!(text.contains("NGX005 [note]"), "{text}");
        assert!(!text.contains("NGX002"), "{text}");
        let snippet = site("/etc/nginx/snippets/missing.conf");
        let (text, _) = lint(&[
            ("etc/nginx/nginx.conf", main),
            ("etc/nginx/sites-enabled/example", &snippet),
        ]);
        assert!(text.contains("NGX002 [error]"), "{text}");
    }

    /// A sites-available folder with no sites-enabled beside it: nothing says which site
    /// is enabled, so each is linted alone (a theme's fifteen example vhosts).
    #[test]
    fn sites_available_without_sites_enabled_are_alternatives() {
        let dir = tempfile::tempdir().expect("tmp");
        let site = "server {\n    listen 80 default_server;\n    server_name example.com;\n    root /var/www;\n}\n";
        write(dir.path(), "sites-available/one.conf", site);
        write(dir.path(), "sites-available/two.conf", site);
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(
            !text.contains("NGX020") && !text.contains("NGX101"),
            "{text}"
        );
        // Two sites of one folder with sites-enabled beside it still run together.
        write(dir.path(), "sites-enabled/one.conf", site);
        write(dir.path(), "sites-enabled/two.conf", site);
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(text.contains("NGX020") || text.contains("NGX101"), "{text}");
    }

    /// A loose `*.template` is rendered by envsubst at start: its `${UPPER_CASE}`
    /// placeholders are not nginx variables (serversideup/docker-php); in a plain `.conf`
    /// the same reference is one nginx does not know.
    #[test]
    fn template_placeholders_are_not_nginx_variables() {
        let site = "server {\n    listen 80;\n    server_name app.test;\n    return 301 https://$host:${NGINX_HTTPS_PORT}$request_uri;\n}\n";
        let typo = site.replace("listen 80;", "listen 80;\n    gzip_typo on;");
        let (text, _) = lint(&[("nginx/site-opts.d/http.conf.template", &typo)]);
        // Linted (the typo is found), without the placeholder.
        assert!(
            text.contains("NGX010") && !text.contains("NGX024"),
            "{text}"
        );
        let (text, _) = lint(&[("nginx/conf.d/http.conf", site)]);
        assert!(text.contains("NGX024"), "{text}");
    }

    /// A php.ini without any pool file is no php-fpm deployment.
    #[test]
    fn a_lone_php_ini_is_no_php_fpm() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "apache/php.ini", "memory_limit = 256M\n");
        write(
            dir.path(),
            "site.conf",
            "server {\n    listen 80;\n    root /var/www;\n}\n",
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(!text.contains("php-fpm:"), "{text}");
    }

    /// In a shell-form CMD starting both daemons, the `-c` after `&` is nginx's config, not
    /// php-fpm's php.ini (capdeploy/simplephp: 21 FPM002 errors on nginx.conf).
    #[test]
    fn a_flag_after_a_shell_separator_belongs_to_the_next_program() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", "FROM debian:bookworm\nRUN apt-get install -y php8.2-fpm nginx\nCOPY site.conf /etc/nginx/conf.d/site.conf\nCMD /usr/sbin/php-fpm8.2 & \\\n/usr/sbin/nginx -c /etc/nginx/nginx.conf -g \"daemon off;\"\n");
        write(
            dir.path(),
            "site.conf",
            &super::real_world_site("127.0.0.1:9000"),
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(text.contains("php.ini: /etc/php/8.2/fpm/php.ini"), "{text}");
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("FPM002"), "{text}");
    }

    /// An application image only assumed to be built on php:*-fpm keeps its application
    /// where its entrypoint puts it: nginx's root is not "missing" there (roundcubemail-docker).
    #[test]
    fn an_application_image_is_not_empty() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "compose.yml", "services:\n  web:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf', './public:/var/www/html/public']\n  mail:\n    image: acme/webmail:1.6-fpm\n");
        write(dir.path(), "public/index.php", "<?php\n");
        let site = super::real_world_site("mail:9000").replace("root /var/www/html;", "root /var/www/html/public;").replace("include fastcgi_params;", "include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;");
        write(dir.path(), "site.conf", &site);
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("X025"), "{text}");
        // The official image itself has nothing there: the check still runs.
        write(dir.path(), "compose.yml", "services:\n  web:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf', './public:/var/www/html/public']\n  mail:\n    image: php:8.3-fpm\n");
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(text.contains("X025"), "{text}");
    }

    /// Without a known php-fpm image, the deployment's names still say a typo resolves to
    /// nothing.
    #[test]
    fn names_are_checked_without_a_known_php_image() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "compose.yml", "services:\n  web:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n  app:\n    image: registry.example/acme/app:1\n");
        write(dir.path(), "site.conf", &super::real_world_site("apq:9000"));
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(text.contains("X020"), "{text}");
        write(dir.path(), "site.conf", &super::real_world_site("app:9000"));
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("X020"), "{text}");
    }

    /// A cron or queue-worker service built from the php-fpm image is not a second php-fpm
    /// for nginx (friendica/docker: `cron` with `entrypoint: /cron.sh` gave "web → cron").
    #[test]
    fn a_side_job_of_the_php_image_is_not_php_fpm() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "app/Dockerfile",
            "FROM php:8.3-fpm\nCOPY cron.sh /cron.sh\n",
        );
        write(
            dir.path(),
            "app/cron.sh",
            "#!/bin/sh\nexec busybox crond -f\n",
        );
        write(dir.path(), "compose.yml", "services:\n  app:\n    build: ./app\n  cron:\n    build: ./app\n    entrypoint: /cron.sh\n  worker:\n    build: ./app\n    command: php artisan queue:work\n  sched:\n    build: ./app\n    entrypoint: /usr/local/bin/docker-php-entrypoint\n    command: supercronic /etc/crontab\n  web:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n");
        write(dir.path(), "site.conf", &super::real_world_site("app:9000"));
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(text.contains("deployment web → app "), "{text}");
        assert!(!text.contains("web → cron"), "{text}");
        assert!(!text.contains("web → worker"), "{text}");
        assert!(!text.contains("web → sched"), "{text}");
        // Alone, the job's container is still what runs php-fpm's files.
        write(dir.path(), "compose.yml", "services:\n  cron:\n    build: ./app\n    entrypoint: /cron.sh\n  web:\n    image: nginx\n    volumes: ['./site.conf:/etc/nginx/conf.d/default.conf']\n");
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(text.contains("web → cron"), "{text}");
    }

    /// The Alpine php package's version names the stock tree and the main file alike
    /// (cachethq/docker: `FROM nginx:*-alpine` + `apk add php7-fpm` looked for
    /// /etc/php83/php-fpm.conf, so the pool copied to /etc/php7 was never linted).
    #[test]
    fn the_alpine_php_version_names_the_main_file() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", "FROM nginx:1.18-alpine\nRUN apk add --no-cache php7 php7-fpm php7-json supervisor\nCOPY pool.conf /etc/php7/php-fpm.d/www.conf\nCOPY site.conf /etc/nginx/conf.d/default.conf\nCMD [\"/usr/bin/supervisord\"]\n");
        write(
            dir.path(),
            "site.conf",
            &super::real_world_site("127.0.0.1:9000"),
        );
        write(
            dir.path(),
            "pool.conf",
            "[www]\nlisten = 127.0.0.1:9000\npm = ondemand\npm.max_children = 0\n",
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(text.contains("main file: /etc/php7/php-fpm.conf"), "{text}");
        assert!(!text.contains("/etc/php83"), "{text}");
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(
            text.contains("pool.conf:4:19: FPM006"),
            "the pool is linted: {text}"
        );
    }

    /// On a base image this tool does not know, the nginx and php-fpm files a Dockerfile
    /// copies are still linted, each on its own (erseco/alpine-moodle: `COPY rootfs/ /`
    /// with a server-context snippet in etc/nginx/server-conf.d exited 2, "nothing found").
    #[test]
    fn files_copied_onto_an_unknown_image_are_linted() {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "Dockerfile",
            "FROM acme/php-nginx-base:2.1\nUSER root\nCOPY --chown=nobody rootfs/ /\nUSER nobody\n",
        );
        write(dir.path(), "rootfs/etc/nginx/server-conf.d/app.conf", "# served by the base image's server block\nlocation /downloads {\n    alias /srv/downloads/;\n}\n");
        write(
            dir.path(),
            "rootfs/etc/php84/php-fpm.d/app.conf",
            "[app]\nlisten = 9001\npm = dynamic\npm.max_children = 0\n",
        );
        // A fragment of the image's own pool is not a pool of its own (it listens nowhere).
        write(
            dir.path(),
            "rootfs/etc/php84/php-fpm.d/www-tuning.conf",
            "[www]\npm.max_requests = 500\n",
        );
        write(dir.path(), "rootfs/usr/local/bin/start", "#!/bin/sh\n");
        let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert_ne!(code, 2, "{text}");
        assert!(
            text.contains("rootfs/etc/nginx/server-conf.d/app.conf:3:5: SEC048"),
            "{text}"
        );
        assert!(
            text.contains("rootfs/etc/php84/php-fpm.d/app.conf:4:19: FPM006"),
            "{text}"
        );
        assert!(!text.contains("www-tuning.conf"), "{text}");
    }

    /// A copy of a Debian server's /etc has the package files it lacks (FeministWiki: its
    /// nginx.conf's `include /etc/nginx/mime.types` was reported missing); a file no
    /// package installs is still missing, and the copy's own sites-enabled is what runs.
    #[test]
    fn a_copy_of_a_debian_etc_keeps_the_package_files() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "etc/nginx/nginx.conf", "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n");
        write(dir.path(), "etc/nginx/sites-enabled/wiki", "server {\n    listen 80 default_server;\n    server_name wiki.example;\n    root /var/www/wiki;\n    include /etc/nginx/snippets/cache-headers;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php8.3-fpm.sock;\n    }\n}\n");
        write(dir.path(), "etc/php/8.3/fpm/pool.d/www.conf", "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php8.3-fpm.sock\npm = static\npm.max_children = 4\n");
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("mime.types"), "{text}");
        assert!(!text.contains("fastcgi-php.conf"), "{text}");
        assert!(
            text.contains("NGX002") && text.contains("cache-headers"),
            "{text}"
        );
        assert!(
            !text.contains("NGX020"),
            "no stock default site beside the copy's: {text}"
        );
    }

    /// lando/php's examples/custom/config/www.conf: `[www]` and four pm.* lines, mounted
    /// by lando as php-fpm.d/zz-lando.conf. Placed as www.conf it replaced the image's
    /// pool and php-fpm's "the process manager is missing" was blamed on the stock
    /// docker.conf. A look-alike with its own listen and pm still replaces the stock pool.
    #[test]
    fn a_loose_pool_override_merges_into_the_image_pool() {
        let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass fpm:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
        let fragment = "; Override default PHP-FPM settings.\n[www]\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n";
        let (text, _) = lint(&[("nginx.conf", site), ("www.conf", fragment)]);
        assert!(
            !text.contains("FPM006") && !text.contains("[error]"),
            "{text}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "nginx.conf", site);
        write(dir.path(), "www.conf", fragment);
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(
            listing.contains("php-fpm.d/zz-www.conf ← www.conf"),
            "{listing}"
        );
        // A pool of its own (listen, but `pm` forgotten) replaces the stock one: php-fpm
        // refuses it, and says so at the user's file.
        let (text, _) = lint(&[
            ("nginx.conf", site),
            ("www.conf", "[www]\nlisten = 9000\npm.max_children = 5\n"),
        ]);
        assert!(
            text.contains("www.conf:") && text.contains("FPM006"),
            "{text}"
        );
    }

    /// A YunoHost app's conf/: nginx.conf with `__PATH__` placeholders (a template, named
    /// in a note) and extra_php-fpm.conf, env[] and php_value[] lines YunoHost appends to
    /// the app's pool (read alone, each was "Array are not allowed in the global section").
    #[test]
    fn a_yunohost_app_conf_folder_is_a_template_and_a_pool_fragment() {
        let (text, code) = lint(&[
            ("manifest.toml", "packaging_format = 2\nid = \"roundcube\"\n"),
            ("conf/nginx.conf", "location __PATH__/ {\n  alias __INSTALL_DIR__/;\n  index index.php;\n  location ~ [^/]\\.php(/|$) {\n    fastcgi_pass unix:/var/run/php/php__PHP_VERSION__-fpm-__APP__.sock;\n    include fastcgi_params;\n  }\n}\n"),
            ("conf/extra_php-fpm.conf", "env[PATH] = $PATH\nphp_value[upload_max_filesize] = 50M\nphp_value[post_max_size] = 50M\n"),
        ]);
        assert!(!text.contains("FPM003"), "{text}");
        assert!(
            text.contains("conf/nginx.conf: installer template") && text.contains("__NAME__"),
            "{text}"
        );
        assert!(code < 2, "the pool fragment is still linted: {text}");
    }

    /// Every Salt formula's bin/kitchen is a Ruby script: `ENV['BUNDLE_GEMFILE'] ||=` is
    /// no php-fpm `env[...]`, and no php:fpm deployment is invented around it.
    #[test]
    fn a_script_is_no_configuration() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "bin/kitchen", "#!/usr/bin/env ruby\nrequire 'pathname'\nENV['BUNDLE_GEMFILE'] ||= File.expand_path('../Gemfile', __dir__)\nload Gem.bin_path('test-kitchen', 'kitchen')\n");
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(listing.contains("no deployment found"), "{listing}");
        let (text, code) = run_in(dir.path(), &["--no-config", "."]);
        assert_eq!(code, 2, "nothing to lint: {text}");
    }

    /// richarvey/nginx-php-fpm: `CMD ["/start.sh"]`, whose last line execs supervisord,
    /// whose program starts `php-fpm --fpm-config .../www.conf`: that file is php-fpm's
    /// main file, and the image's zz-docker.conf (`listen = 9000`) is never read. Read
    /// from php-fpm.conf, the pool listened on TCP and nginx's socket was a false X002.
    /// The look-alike's script starts php-fpm plainly: php-fpm.conf reads zz-docker.conf
    /// last, and the mismatch is real.
    #[test]
    fn a_start_script_that_execs_supervisord_names_php_fpm_main_file() {
        let files = |script: &str| {
            vec![
                ("Dockerfile", "FROM php:8.1-fpm-alpine\nRUN apk add --no-cache nginx supervisor\nCOPY conf/nginx-site.conf /etc/nginx/http.d/default.conf\nCOPY conf/www.conf /usr/local/etc/php-fpm.d/www.conf\nCOPY conf/supervisord.conf /etc/supervisord.conf\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n".to_string()),
                ("start.sh", script.to_string()),
                ("conf/nginx-site.conf", "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass unix:/var/run/php-fpm.sock;\n    }\n}\n".to_string()),
                ("conf/supervisord.conf", "[supervisord]\nnodaemon=true\n[program:php-fpm]\ncommand=/usr/local/sbin/php-fpm --nodaemonize --fpm-config /usr/local/etc/php-fpm.d/www.conf\n[program:nginx]\ncommand=/usr/sbin/nginx -g \"daemon off;\"\n".to_string()),
                ("conf/www.conf", "[www]\nuser = nginx\ngroup = nginx\nlisten = /var/run/php-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 4\n".to_string()),
            ]
        };
        let run = |script: &str| {
            let owned = files(script);
            let borrowed: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (*p, t.as_str())).collect();
            lint(&borrowed)
        };
        let (text, _) = run("#!/bin/sh\n# richarvey's start.sh ends so:\nexec /usr/bin/supervisord -n -c /etc/supervisord.conf\n");
        assert!(
            !text.contains("X002") && !text.contains("[error]"),
            "{text}"
        );
        let (text, _) = run("#!/bin/sh\n# exec /usr/bin/supervisord -n -c /etc/supervisord.conf\nnginx\nexec php-fpm -F\n");
        assert!(text.contains("X002"), "{text}");
    }

    /// ddev-webserver's Dockerfile: the last stage is `FROM scratch` plus `COPY
    /// --from=<stage> / /` (the image is that stage's files), and an earlier `RUN ln -sf
    /// /run/php/php8.2-fpm.sock /run/php-fpm.sock` makes the socket nginx names. The
    /// Dockerfile was dropped ("scratch": no image known), and the link was not followed
    /// (a false X001). The look-alike makes no link: nothing listens there.
    #[test]
    fn a_scratch_stage_copying_a_stage_whole_is_that_stage_and_its_links_count() {
        let dockerfile = |ln: &str| {
            format!("FROM debian:bookworm-slim AS base\nRUN apt-get update && apt-get install -y nginx php8.2-fpm \\\n    && rm -f /etc/nginx/sites-enabled/default{ln}\nCOPY files /\nFROM scratch AS ddev-webserver\nCOPY --from=base / /\nCMD [\"sh\", \"-c\", \"php-fpm8.2 && nginx -g 'daemon off;'\"]\n")
        };
        let site = "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php-fpm.sock;\n    }\n}\n";
        let with_link = dockerfile(" \\\n    && ln -sf /run/php/php8.2-fpm.sock /run/php-fpm.sock");
        let (text, _) = lint(&[
            ("Dockerfile", &with_link),
            ("files/etc/nginx/sites-enabled/site.conf", site),
        ]);
        assert!(
            !text.contains("X001") && !text.contains("[error]"),
            "{text}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", &with_link);
        write(dir.path(), "files/etc/nginx/sites-enabled/site.conf", site);
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(
            listing.contains("deployment ./Dockerfile") && !listing.contains("skipped"),
            "{listing}"
        );
        let (text, _) = lint(&[
            ("Dockerfile", &dockerfile("")),
            ("files/etc/nginx/sites-enabled/site.conf", site),
        ]);
        assert!(text.contains("X001"), "{text}");
    }

    /// A ConfigMap mounted on /etc/nginx/conf.d (no subPath) replaces the directory: the
    /// image's default.conf is gone, and its server no longer shares port 80 with the
    /// site (a false NGX102 from laravel-montreal's chart). Mounted by subPath, the file
    /// joins the image's directory and default.conf stays.
    #[test]
    fn a_config_map_mounted_on_a_directory_hides_the_image_files_there() {
        let pod = |mount: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: vhost}}\ndata:\n  site.conf: |\n    server {{\n        listen 80;\n        server_name app.example.com;\n        root /var/www/html;\n        location ~ \\.php$ {{\n            fastcgi_pass 127.0.0.1:9000;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            include fastcgi_params;\n        }}\n    }}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  volumes:\n    - name: vhost\n      configMap: {{name: vhost}}\n    - name: code\n      emptyDir: {{}}\n  containers:\n    - name: nginx\n      image: nginx:1.27-alpine\n      volumeMounts:\n        - {mount}\n        - {{name: code, mountPath: /var/www/html}}\n    - name: php\n      image: php:8.2-fpm-alpine\n      volumeMounts:\n        - {{name: code, mountPath: /var/www/html}}\n")
        };
        let (text, _) = lint(&[(
            "pod.yaml",
            &pod("{name: vhost, mountPath: /etc/nginx/conf.d}"),
        )]);
        assert!(
            !text.contains("default.conf") && !text.contains("NGX102"),
            "{text}"
        );
        let (text, _) = lint(&[(
            "pod.yaml",
            &pod("{name: vhost, mountPath: /etc/nginx/conf.d/site.conf, subPath: site.conf}"),
        )]);
        assert!(
            text.contains("default.conf") && text.contains("NGX102"),
            "{text}"
        );
    }

    /// Names nginx's /etc/hosts adds resolve at start: a pod's `hostAliases` (yama6a's
    /// docker-lemp: `127.0.0.1 php-fpm`, php-fpm in the same pod) and Compose's
    /// `extra_hosts` (a php-fpm on the Docker host). Both were "host not found" (X020);
    /// a name neither adds still is.
    #[test]
    fn names_from_host_aliases_and_extra_hosts_resolve() {
        let pod = |pass: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: nginx-config}}\ndata:\n  default.conf: |\n    server {{\n      listen 80 default_server;\n      root /var/www/html;\n      location ~ \\.php$ {{\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass {pass};\n      }}\n    }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app}}\nspec:\n  selector: {{matchLabels: {{app: app}}}}\n  template:\n    metadata: {{labels: {{app: app}}}}\n    spec:\n      hostAliases:\n        - ip: \"127.0.0.1\"\n          hostnames: [\"php-fpm\"]\n      volumes:\n        - {{name: code, emptyDir: {{}}}}\n        - {{name: nginx-config, configMap: {{name: nginx-config}}}}\n      containers:\n        - name: nginx\n          image: nginx:1.27-alpine\n          volumeMounts:\n            - {{name: code, mountPath: /var/www/html}}\n            - {{name: nginx-config, mountPath: /etc/nginx/conf.d}}\n        - name: php-fpm\n          image: php:8.3-fpm-alpine\n          volumeMounts:\n            - {{name: code, mountPath: /var/www/html}}\n")
        };
        let (text, _) = lint(&[("app.yaml", &pod("php-fpm:9000"))]);
        assert!(!text.contains("X020"), "{text}");
        let (text, _) = lint(&[("app.yaml", &pod("php:9000"))]);
        assert!(text.contains("X020"), "{text}");
        let compose = |hosts: &str| {
            format!("services:\n  web:\n    image: nginx:1.27\n{hosts}    volumes:\n      - ./site.conf:/etc/nginx/conf.d/default.conf\n")
        };
        let site = "server {\n    listen 80;\n    root /srv;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass legacy-php:9000;\n    }\n}\n";
        for hosts in [
            "    extra_hosts:\n      - \"legacy-php:host-gateway\"\n",
            "    extra_hosts:\n      - \"legacy-php=10.0.0.5\"\n",
            "    extra_hosts:\n      legacy-php: 10.0.0.5\n",
        ] {
            let (text, _) = lint(&[("compose.yaml", &compose(hosts)), ("site.conf", site)]);
            assert!(!text.contains("X020"), "{hosts}: {text}");
        }
        let (text, _) = lint(&[("compose.yaml", &compose("")), ("site.conf", site)]);
        assert!(text.contains("X020"), "{text}");
    }

    /// Dockerfiles under docker/ built with docker/ as their context (`COPY
    /// php/www.conf`, `docker build -f php/Dockerfile .` from docker/): no Compose file
    /// says so, and neither the Dockerfile's folder nor the repository's top holds the
    /// sources. The folder between them does; the files are placed, not "not known".
    #[test]
    fn a_build_context_between_the_dockerfile_and_the_top_is_found() {
        let pool = "[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 4\n";
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "docker/php/Dockerfile",
            "FROM php:8.3-fpm-alpine\nCOPY php/www.conf /usr/local/etc/php-fpm.d/www.conf\n",
        );
        write(dir.path(), "docker/php/www.conf", pool);
        write(dir.path(), "README.md", "app\n");
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            text.contains("/usr/local/etc/php-fpm.d/www.conf ← docker/php/www.conf   [./docker/php/Dockerfile:2: COPY ./docker/php/www.conf]"),
            "{text}"
        );
        assert!(!text.contains("not known"), "{text}");
        // A source that is nowhere stays unknown, named from the Dockerfile's folder.
        write(
            dir.path(),
            "docker/php/Dockerfile",
            "FROM php:8.3-fpm-alpine\nCOPY conf/missing.conf /usr/local/etc/php-fpm.d/www.conf\n",
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            text.contains("COPY ./docker/php/conf/missing.conf: not in the repository"),
            "{text}"
        );
    }

    /// `RUN ln -s /etc/php83 /etc/php` then `COPY www.conf /etc/php/php-fpm.d/www.conf`:
    /// the COPY writes through the link, so php-fpm (reading /etc/php83) runs the
    /// repository's pool. Read at the link's path only, the image's stock pool (TCP) was
    /// taken for the one that runs, and nginx's unix socket was called a mismatch (X002).
    #[test]
    fn a_copy_through_a_linked_directory_lands_below_the_link_target() {
        let dockerfile = "FROM alpine:3.20\nRUN apk add --no-cache nginx php83 php83-fpm \\\n && ln -s /etc/php83 /etc/php\nCOPY conf/nginx.conf /etc/nginx/nginx.conf\nCOPY conf/www.conf /etc/php/php-fpm.d/www.conf\nCMD [\"sh\", \"-c\", \"php-fpm83 -D && nginx -g 'daemon off;'\"]\n";
        let nginx = "user nginx;\nevents { worker_connections 1024; }\nhttp {\n    include mime.types;\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            fastcgi_pass unix:/run/php-fpm.sock;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        }\n    }\n}\n";
        let pool = "[www]\nuser = nginx\ngroup = nginx\nlisten = /run/php-fpm.sock\nlisten.owner = nginx\nlisten.group = nginx\npm = static\npm.max_children = 4\n";
        let (text, _) = lint(&[
            ("Dockerfile", dockerfile),
            ("conf/nginx.conf", nginx),
            ("conf/www.conf", pool),
        ]);
        assert!(!text.contains("X002"), "{text}");
        // The repository's pool is the one read: its own findings point into it.
        assert!(text.contains("conf/www.conf:8:19: FPM105"), "{text}");
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", dockerfile);
        write(dir.path(), "conf/nginx.conf", nginx);
        write(dir.path(), "conf/www.conf", pool);
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            text.contains("/etc/php83/php-fpm.d/www.conf ← conf/www.conf"),
            "{text}"
        );
    }

    /// A pool without `user` stops a root master (FPM111): on a server's tree, and in a
    /// container known to start php-fpm as root (the official php image replaced
    /// www.conf: garylab/dnmp#205). Where the image decides the master's user (LibreNMS's
    /// base runs it unprivileged, a `USER`), a pool file without `user` is not reported.
    #[test]
    fn a_pool_without_user_is_only_reported_under_a_root_master() {
        let pool = "[www]\nlisten = 9000\npm = static\npm.max_children = 4\n";
        let (text, _) = lint(&[
            (
                "Dockerfile",
                "FROM php:8.3-fpm\nCOPY www.conf /usr/local/etc/php-fpm.d/www.conf\n",
            ),
            ("www.conf", pool),
        ]);
        assert!(text.contains("www.conf:2:1: FPM111"), "{text}");
        for base in [
            "FROM crazymax/alpine-s6:3.20\nRUN apk add php83-fpm\n",
            "FROM php:8.3-fpm\nUSER www-data\n",
        ] {
            let (text, _) = lint(&[
                (
                    "Dockerfile",
                    &format!("{base}COPY www.conf /usr/local/etc/php-fpm.d/www.conf\n"),
                ),
                ("www.conf", pool),
            ]);
            assert!(!text.contains("FPM111"), "{base}: {text}");
        }
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "etc/php/8.2/fpm/php-fpm.conf",
            &format!("[global]\nerror_log = /var/log/php8.2-fpm.log\n{pool}"),
        );
        let (text, _) = run_in(
            dir.path(),
            &[
                "--no-config",
                "--format",
                "concise",
                "--root",
                ".",
                "--fpm",
                "/etc/php/8.2/fpm/php-fpm.conf",
            ],
        );
        assert!(text.contains("FPM111"), "{text}");
    }

    /// phpBB's docs/nginx.sample.conf includes `fastcgi.conf`, which distributions ship and
    /// the official nginx image does not: loose, it is read in the Debian layout, where the
    /// include works (a false NGX002 in the official image's). librenms/docker's `@NAME@`
    /// templates are named as templates, not linted as written.
    #[test]
    fn a_loose_site_including_fastcgi_conf_is_read_where_that_file_exists() {
        let (text, _) = lint(&[(
            "docs/nginx.sample.conf",
            "server {\n    listen 80;\n    root /var/www/phpbb;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
        )]);
        assert!(!text.contains("NGX002"), "{text}");
        let (text, _) = lint(&[(
            "rootfs/tpls/etc/nginx/nginx.conf",
            "events {}\nhttp {\n    set_real_ip_from @REAL_IP_FROM@;\n    client_max_body_size @UPLOAD_MAX_SIZE@;\n}\n",
        )]);
        assert!(
            text.contains("@NAME@ or bare UPPER_NAME placeholders") && !text.contains("NGX014"),
            "{text}"
        );
    }

    /// A Deployment whose images the repository's Dockerfiles build: the site file the
    /// nginx Dockerfile copies is that image's, not a loose file to lint a second time in
    /// a stock image (ChiVincent/laravel-k8s, kamaln7/laravel-k8s-microblog).
    #[test]
    fn a_file_a_paired_dockerfile_copies_is_not_loose() {
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: php-fpm\n          image: example/php\n        - name: nginx\n          image: example/nginx\n");
        write(
            dir.path(),
            "nginx.dockerfile",
            "FROM nginx:1.27\nCOPY conf/site.conf /etc/nginx/conf.d/default.conf\n",
        );
        write(
            dir.path(),
            "php.dockerfile",
            "FROM php:8.2-fpm\nWORKDIR /web\n",
        );
        write(dir.path(), "conf/site.conf", "server {\n    listen 80 default_server;\n    root /web/public;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;\n        include fastcgi_params;\n    }\n}\n");
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(
            listing.contains("deployment web/nginx → web/php-fpm"),
            "{listing}"
        );
        assert!(!listing.contains("repository files"), "{listing}");
    }

    /// ClickAndMortar/magento-kubernetes: one Dockerfile, a `php` stage (php-fpm and its
    /// www.conf) and a final `nginx` stage that copies its public files; both are
    /// deployed (`--target php`, `--target nginx`). The php stage is the nginx's php-fpm:
    /// its pool is checked against the site (here a wrong port, X001), not linted loose.
    /// Look-alikes: a stage the final one builds on is no target of its own, and two
    /// php-fpm stages leave the choice open (no pairing).
    #[test]
    fn a_dockerfile_php_target_beside_its_nginx_target_is_paired() {
        let vhost = "server {\n    listen 80;\n    root /app/public;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9001;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        include fastcgi_params;\n    }\n}\n";
        let www = "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = static\npm.max_children = 4\n";
        let two = "FROM php:8.3-fpm-bookworm AS php\nWORKDIR /app\nCOPY conf/www.conf /usr/local/etc/php-fpm.d/www.conf\n\nFROM nginx:1.27 AS nginx\nCOPY conf/vhost.conf /etc/nginx/conf.d/default.conf\nCOPY --from=php /app/public /app/public\n";
        let (text, _) = lint(&[
            ("Dockerfile", two),
            ("conf/vhost.conf", vhost),
            ("conf/www.conf", www),
        ]);
        assert!(
            text.contains("X001") && text.contains("127.0.0.1:9001"),
            "{text}"
        );
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", two);
        write(dir.path(), "conf/vhost.conf", vhost);
        write(dir.path(), "conf/www.conf", www);
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(
            listing.contains("(target php)") && !listing.contains("loose php-fpm"),
            "{listing}"
        );
        // Two php-fpm stages: which one runs beside nginx is not known.
        let ambiguous = two.replace("\nFROM nginx", "\nFROM php:8.2-fpm AS php-old\nCOPY conf/www.conf /usr/local/etc/php-fpm.d/www.conf\n\nFROM nginx");
        let dir = tempfile::tempdir().expect("tmp");
        write(dir.path(), "Dockerfile", &ambiguous);
        write(dir.path(), "conf/vhost.conf", vhost);
        write(dir.path(), "conf/www.conf", www);
        let (listing, _) = run_in(dir.path(), &["deployments", "--no-config", "."]);
        assert!(!listing.contains("(target php"), "{listing}");
    }
}

fn real_world_site(pass: &str) -> String {
    format!("server {{\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {{\n        fastcgi_pass {pass};\n        include fastcgi_params;\n    }}\n}}\n")
}

/// Matomo's example configuration: `include ssl.conf; # comment` names a file of the
/// repository; the comment after the statement kept it from being placed beside the site,
/// and nginx's open() of it was reported failing.
#[test]
fn an_include_followed_by_a_comment_places_its_file() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "sites-available/app.conf",
        "server {\n    listen 80;\n    server_name app.example.com;\n    include ssl.conf; # shared TLS settings\n    location /x { include extra.conf; }\n    root /var/www/app;\n    location / { try_files $uri =404; }\n}\n",
    );
    write(dir.path(), "ssl.conf", "ssl_session_timeout 1d;\n");
    write(dir.path(), "extra.conf", "return 204;\n");
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("ssl.conf"), "{text}");
    assert!(!text.contains("extra.conf"), "{text}");
}

/// serversideup/docker-php: `RUN rm -rf /usr/local/etc/php-fpm.d/*.conf` removes the
/// base image's pool files before the repository's own pool is copied in; the stock
/// `www.conf` stayed in the model and FPM112 said it overrode the repository's values.
#[test]
fn a_removed_glob_removes_the_base_images_files() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm-bookworm\nRUN rm -rf /usr/local/etc/php-fpm.d/*.conf && \\\n    echo done\nCOPY my-pool.conf /usr/local/etc/php-fpm.d/my-pool.conf\n",
    );
    write(
        dir.path(),
        "my-pool.conf",
        "[www]\nuser = www-data\ngroup = www-data\nlisten = 9000\npm = ondemand\npm.max_children = 20\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("FPM112"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("RUN rm /usr/local/etc/php-fpm.d/*.conf"),
        "{shown}"
    );
}

/// Two Deployments, nginx's and php-fpm's, and no Service: nginx's `fastcgi_pass app:9000`
/// cannot resolve. Nothing was linted at all (exit 2, "no configuration found").
#[test]
fn pods_no_service_joins_are_linted_each_alone() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "k8s.yaml", K05);
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("X020"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("php-fpm only") && shown.contains("nginx only"),
        "{shown}"
    );
}

const K05: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-config
data:
  default.conf: |
    server {
        listen 80 default_server;
        root /var/www/html;
        location ~ \.php$ {
            fastcgi_pass app:9000;
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {service: app}
  template:
    metadata:
      labels: {service: app}
    spec:
      containers:
      - name: app
        image: php:8.3-fpm
        ports:
        - containerPort: 9000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {service: web}
  template:
    metadata:
      labels: {service: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        volumeMounts:
        - name: nginx-config
          mountPath: /etc/nginx/conf.d/default.conf
          subPath: default.conf
      volumes:
      - name: nginx-config
        configMap:
          name: nginx-config
"#;

/// A manifest with a database's NodePort Service before php-fpm's: X024 pointed at the
/// first `type: NodePort` of the file.
#[test]
fn a_published_port_points_at_its_own_service() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "k8s.yaml", K03);
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    // Line 73 is the `type: NodePort` of Service `app`; line 62 is the database's.
    assert_eq!(K03.lines().nth(72), Some("  type: NodePort"));
    assert!(text.contains("k8s.yaml:73:3: X024"), "{text}");
}

const K03: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-config
data:
  default.conf: |
    server {
        listen 80 default_server;
        root /var/www/html;
        location ~ \.php$ {
            fastcgi_pass app:9000;
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {service: app}
  template:
    metadata:
      labels: {service: app}
    spec:
      containers:
      - name: app
        image: php:8.3-fpm
        ports:
        - containerPort: 9000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {service: web}
  template:
    metadata:
      labels: {service: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        volumeMounts:
        - name: nginx-config
          mountPath: /etc/nginx/conf.d/default.conf
          subPath: default.conf
      volumes:
      - name: nginx-config
        configMap:
          name: nginx-config
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: NodePort
  ports:
  - port: 5432
  selector:
    service: db
---
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  type: NodePort
  ports:
  - port: 9000
  selector:
    service: app
"#;

/// One document with an unknown alias: the others are still read (roundcube's example).
#[test]
fn one_broken_document_leaves_the_others_read() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "k8s.yaml", K04);
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("X025"), "{text}");
}

const K04: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-config
data:
  default.conf: |
    server {
        listen 80 default_server;
        root /var/www/html;
        location ~ \.php$ {
            fastcgi_pass app:9000;
            include fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        }
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {service: app}
  template:
    metadata:
      labels: {service: app}
    spec:
      containers:
      - name: app
        image: php:8.3-fpm
        env: &env
        - {name: A, value: "1"}
        ports:
        - containerPort: 9000
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {service: web}
  template:
    metadata:
      labels: {service: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        volumeMounts:
        - name: nginx-config
          mountPath: /etc/nginx/conf.d/default.conf
          subPath: default.conf
      volumes:
      - name: nginx-config
        configMap:
          name: nginx-config
---
apiVersion: v1
kind: Service
metadata:
  name: app
spec:
  ports:
  - port: 9000
  selector:
    service: app
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: cleanup
            image: php:8.3-fpm
            env: *env
"#;

/// markshust/docker-magento: `COPY conf/php.ini $PHP_INI_DIR` onto the image's
/// /usr/local/etc/php (a directory: conf.d/ is below it) lands as php.ini inside it; it
/// was read as replacing the directory, and every php.ini check was skipped.
#[test]
fn a_file_copied_onto_an_image_directory_lands_inside_it() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm\nCOPY php.ini $PHP_INI_DIR\n",
    );
    write(
        dir.path(),
        "php.ini",
        "memory_limit = 256M\nrequest_terminate_timeout = 300\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("/usr/local/etc/php/php.ini ← php.ini"),
        "{shown}"
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(text.contains("php.ini:2:1: FPM109"), "{text}");
}

/// wodby/docker4drupal: nginx and PHP from images set up by their environment, no file of
/// theirs in the repository. A valid repository: exit 0 with a note per container, not
/// exit 2 ("no configuration found"), which breaks CI.
#[test]
fn containers_configured_by_their_images_alone_exit_zero_with_a_note() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yml",
        "services:\n  php:\n    image: wodby/drupal-php:8.3\n  nginx:\n    image: wodby/nginx:1.27\n    environment:\n      NGINX_BACKEND_HOST: php\n    volumes:\n      - ./:/var/www/html\n  db:\n    image: mariadb:11\n",
    );
    let (stderr, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("nginx (wodby/nginx:1.27)"), "{stderr}");
    assert!(stderr.contains("php (wodby/drupal-php:8.3)"), "{stderr}");
    assert!(
        !stderr.contains("mariadb") && !stderr.contains("render them"),
        "{stderr}"
    );
}

/// A repository of templates only exits 0, and says how to lint them.
#[test]
fn templates_only_exit_zero_with_the_advice_to_render_them() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "templates/site.conf.j2",
        "server {\n  listen {{ port }};\n  location ~ \\.php$ { fastcgi_pass {{ fpm }}; }\n}\n",
    );
    let (stderr, code) = run_in(dir.path(), &["--no-config", "."]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("render them first"), "{stderr}");
}

/// perusio/drupal-with-nginx: sites-available with no sites-enabled, and a catch-all
/// `000-default` (`listen 80 default_server`). Each site is linted with the catch-all
/// (it is enabled beside whichever site is): NGX102 said no server was the default.
#[test]
fn a_catch_all_site_joins_every_alternative_site() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "sites-available/000-default",
        "server {\n    listen 80 default_server;\n    server_name _;\n    return 444;\n}\n",
    );
    let site = |name: &str| {
        format!("server {{\n    listen 80;\n    server_name {name};\n    root /var/www;\n}}\n")
    };
    write(
        dir.path(),
        "sites-available/one.conf",
        &site("one.example.com"),
    );
    write(
        dir.path(),
        "sites-available/two.conf",
        &site("two.example.com"),
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("NGX102"), "{text}");
    // Still alternatives: one deployment per site, each with the catch-all.
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert_eq!(
        shown.matches("sites-enabled/000-default ←").count(),
        2,
        "{shown}"
    );
    assert_eq!(
        shown
            .lines()
            .filter(|l| l.starts_with("deployment "))
            .count(),
        2,
        "{shown}"
    );
}

/// laradock: `./nginx/Dockerfile` is built by its own `web` service; another stack's
/// `image: mailu/nginx` was taken as built by it (same folder name), and linted with the
/// repository's nginx.conf.
#[test]
fn a_dockerfile_another_service_builds_is_not_a_foreign_images_build() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yml",
        "services:\n  web:\n    build: ./nginx\n  mail-front:\n    image: mailu/nginx:2024.06\n",
    );
    write(
        dir.path(),
        "nginx/Dockerfile",
        "FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n",
    );
    write(
        dir.path(),
        "nginx/nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        return 204;\n    }\n}\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(!shown.contains("mailu/nginx:2024.06 (built by"), "{shown}");
    assert!(
        shown.contains("web (nginx:alpine (built by ./nginx/Dockerfile))"),
        "{shown}"
    );
}

/// ucan-lab/docker-laravel: compose-for-linux.yaml only adds a command to `app` of
/// compose.yaml (used as `-f compose.yaml -f compose-for-linux.yaml`); linted on its own
/// it was a project of an unknown image.
#[test]
fn a_compose_fragment_of_another_file_is_not_its_own_project() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app:\n    image: php:8.4-fpm\n  web:\n    image: nginx:1.27\n",
    );
    write(
        dir.path(),
        "compose-for-linux.yaml",
        "services:\n  app:\n    command: [\"php-fpm\"]\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains(
            "compose-for-linux.yaml: its services have no image or build and are ./compose.yaml's"
        ),
        "{text}"
    );
    assert!(!text.contains("unknown image"), "{text}");
}

/// WordOps' nginx-core.mustache: a whole nginx.conf whose only `{{release}}` is in a
/// comment. The placeholder made it "not provided", and nothing was linted.
#[test]
fn a_placeholder_in_a_comment_leaves_the_file_linted() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx-core.mustache",
        "user www-data;\nevents {}\nhttp {\n    # Settings - release {{release}}\n    server {\n        listen 80 default_server;\n        root /var/www/html;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        }\n    }\n}\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("nginx-core.mustache:10:26: NGX201"), "{text}");
    assert!(!text.contains("note: : "), "{text}");
}

/// webdevops' images: `COPY conf/ /opt/docker/` and a start script that links the nginx
/// files in. They were never linted and the run said "No problems found" with no word
/// about them; now a note names them.
#[test]
fn nginx_files_placed_where_no_include_reaches_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        r#"FROM php:8.3-fpm-bookworm
RUN apt-get update && apt-get install -y nginx && rm -f /etc/nginx/sites-enabled/default
COPY conf/ /opt/docker/
RUN /opt/docker/provision/bootstrap.sh
"#,
    );
    write(
        dir.path(),
        "conf/etc/nginx/conf.d/app.conf",
        r#"server {
    listen 80 default_server;
    root /app;
    location ~ \.php$ {
        include fastcgi_params;
        fastcgi_pass 127.0.0.1:9001;
    }
}
"#,
    );
    write(
        dir.path(),
        "conf/etc/nginx/main.conf",
        r#"include /opt/docker/etc/nginx/conf.d/*.conf;
"#,
    );
    write(
        dir.path(),
        "conf/provision/bootstrap.sh",
        r#"#!/bin/sh
ln -sf /opt/docker/etc/nginx/main.conf /etc/nginx/conf.d/10-docker.conf
"#,
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("2 nginx files of the repository are placed where no include of nginx's configuration reaches"),
        "{text}"
    );
    assert!(
        text.contains("conf/etc/nginx/conf.d/app.conf (at /opt/docker/etc/nginx/conf.d/app.conf)"),
        "{text}"
    );
}

/// VVV: config/nginx.conf includes /etc/nginx/custom-sites/*.conf, and config/sites/
/// stands for that folder. The note said "no include reaches it", which read as
/// contradicting the include; it now says where the folder sits unreached.
#[test]
fn a_sites_folder_in_place_of_an_include_says_where_it_was_unreached() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "config/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/custom-sites/*.conf;\n}\n",
    );
    write(
        dir.path(),
        "config/sites/default.conf",
        "server {\n    listen 80 default_server;\n    return 204;\n}\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("./config/sites in place of /etc/nginx/custom-sites: no include of ./config/nginx.conf reaches it where it sits (/etc/nginx/sites)"),
        "{shown}"
    );
}

/// A Dockerfile COPY of a file the repository lacks (made by an earlier CI step, or a
/// mistake): the stock files it replaces were reported failing to open, and the pool
/// as missing its process manager. What lands there is unknown, and a note says so.
#[test]
fn a_copy_of_a_missing_file_is_unknown_content_with_a_note() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.2-fpm-alpine\nCOPY docker/php/www.conf /usr/local/etc/php-fpm.d/www.conf\n",
    );
    write(
        dir.path(),
        "docker/nginx/Dockerfile",
        "FROM nginx:1.25-alpine\nCOPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf\n",
    );
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  php:\n    build: .\n  nginx:\n    build:\n      context: .\n      dockerfile: docker/nginx/Dockerfile\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("FPM006") && !text.contains("NGX002"),
        "{text}"
    );
    assert!(
        text.contains("COPY ./docker/php/www.conf: the repository has no such file"),
        "{text}"
    );
}

/// osTicket's image starts `php-fpm -c ...` from supervisord: `-c` names the folder php.ini
/// is looked for in first. A folder (`-c /usr/local/etc/php`) and supervisord's
/// `%(ENV_PHP_INI_DIR)s` were false FPM005 errors at made-up places (`$PHP_INI_DIR:1:1`),
/// and the repository's php.ini was dropped; a literal `$PHP_INI_DIR`, which supervisord
/// does not expand, gets a note.
#[test]
fn php_fpm_dash_c_names_a_folder_and_supervisord_expands_only_its_own_syntax() {
    for (arg, note) in [
        ("/usr/local/etc/php", false),
        ("%(ENV_PHP_INI_DIR)s", false),
        ("$PHP_INI_DIR", true),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "Dockerfile",
            "FROM php:7.3-fpm-alpine\nRUN apk add --no-cache supervisor nginx\nCOPY files/ /\nCMD [\"/usr/bin/supervisord\", \"-c\", \"/data/supervisord.conf\"]\n",
        );
        write(
            dir.path(),
            "files/data/supervisord.conf",
            &format!("[supervisord]\nnodaemon=true\n\n[program:php-fpm]\ncommand=php-fpm -c {arg} -y /usr/local/etc/php-fpm.conf\n\n[program:nginx]\ncommand=nginx -g \"daemon off;\"\n"),
        );
        write(
            dir.path(),
            "files/etc/nginx/nginx.conf",
            "user nginx;\nevents { worker_connections 1024; }\nhttp {\n    server {\n        listen 80 default_server;\n        root /data/upload;\n        location ~ \\.php$ {\n            try_files $uri =404;\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass 127.0.0.1:9000;\n        }\n    }\n}\n",
        );
        write(
            dir.path(),
            "files/usr/local/etc/php/php.ini",
            "[PHP]\nmax_execution_time = 30\n",
        );
        let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
        assert!(!text.contains("FPM005"), "{arg}: {text}");
        assert_eq!(
            text.contains("without expanding `$`"),
            note,
            "{arg}: {text}"
        );
        let (shown, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            shown.contains("php.ini: /usr/local/etc/php/php.ini") && !shown.contains("(absent"),
            "{arg}: {shown}"
        );
    }
}

/// Hestia's own nginx build (1.30) in loose files: no image says which nginx runs them,
/// and `http2 on;` was an NGX010 error against Debian's 1.22. The version is a guess: a
/// note.
#[test]
fn loose_files_version_questions_are_notes() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "src/deb/nginx/nginx.conf",
        "user www-data;\nevents {}\nhttp {\n\thttp2 on;\n\tserver {\n\t\tlisten 80 default_server;\n\t\treturn 204;\n\t}\n}\n",
    );
    // Debian's php-fpm paths make the loose files Debian's.
    write(
        dir.path(),
        "install/deb/php-fpm/php-fpm.conf",
        "[global]\npid = /run/php/php8.2-fpm.pid\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("NGX010 [note] unknown directive \"http2\""),
        "{text}"
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("nginx version: 1.22 (assumed: no image says"),
        "{shown}"
    );
}

/// Romeoy/docker-rocky-php: `dnf install nginx php-fpm`, and a site with the
/// distribution's own idiom `fastcgi_pass php-fpm;`: the package's conf.d/php-fpm.conf
/// defines that upstream. It was a false NGX014 ("no port in upstream").
#[test]
fn rhel_php_fpm_package_defines_its_upstream_for_nginx() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM rockylinux:9\nRUN dnf install -y nginx php-fpm && dnf clean all\nCOPY app.conf /etc/nginx/conf.d/app.conf\nCMD [\"/bin/sh\", \"-c\", \"php-fpm -D && nginx -g 'daemon off;'\"]\n",
    );
    write(
        dir.path(),
        "app.conf",
        "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass php-fpm;\n    }\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("NGX014"), "{text}");
}

/// Hestia's installer copies nginx.conf to /etc/nginx and its siblings to conf.d. Its
/// `include /etc/nginx/conf.d/cloudflare.inc;` made the folder stand for conf.d, and
/// nginx.conf then included itself (a false NGX003); a sibling `map` file nothing names
/// was never read, and its variable was unknown (a false NGX024).
#[test]
fn a_main_files_siblings_go_where_its_includes_name_them() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "install/deb/nginx/nginx.conf",
        "user www-data;\nevents {}\nhttp {\n\tinclude /etc/nginx/mime.types;\n\tinclude /etc/nginx/conf.d/cloudflare.inc;\n\tinclude /etc/nginx/conf.d/*.conf;\n\tserver {\n\t\tlisten 80 default_server;\n\t\treturn 200 $rfc_early_data;\n\t}\n}\n",
    );
    write(
        dir.path(),
        "install/deb/nginx/cloudflare.inc",
        "set_real_ip_from 173.245.48.0/20;\nreal_ip_header CF-Connecting-IP;\n",
    );
    write(
        dir.path(),
        "install/deb/nginx/0rtt-anti-replay.conf",
        "map \"$ssl_early_data\" $rfc_early_data {\n\tdefault 0;\n\t1       1;\n}\n",
    );
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("NGX003") && !text.contains("NGX024"),
        "{text}"
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("main file: /etc/nginx/nginx.conf"),
        "{shown}"
    );
    assert!(
        shown.contains("/etc/nginx/conf.d/cloudflare.inc ← install/deb/nginx/cloudflare.inc"),
        "{shown}"
    );
}

/// A site enabled by a link that was checked out as a text file holding its target
/// (`../sites-available/example.com.conf`): nginx on the server reads the target; the
/// link's text was parsed as nginx and reported as a bare syntax error.
#[test]
fn a_link_checked_out_as_text_is_followed() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
    );
    write(
        dir.path(),
        "sites-available/example.com.conf",
        "server {\n    listen 80 default_server;\n    server_name example.com;\n    gzip_typo on;\n}\n",
    );
    write(
        dir.path(),
        "sites-enabled/example.com.conf",
        "../sites-available/example.com.conf",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("NGX001"), "{text}");
    assert!(
        text.contains("sites-available/example.com.conf:4:5: NGX010"),
        "{text}"
    );
}

/// h5bp/server-configs-nginx: conf.d/templates/ holds sites to copy beside
/// conf.d/no-ssl.default.conf (its `listen 80 default_server`). Linted in place of conf.d,
/// the default server was gone and NGX102 said no server was the default.
#[test]
fn templates_inside_a_sites_folder_run_beside_its_sites() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp {\n    include conf.d/*.conf;\n}\n",
    );
    write(
        dir.path(),
        "conf.d/no-ssl.default.conf",
        "server {\n    listen [::]:80 default_server;\n    listen 80 default_server;\n    return 444;\n}\n",
    );
    write(
        dir.path(),
        "conf.d/templates/no-ssl.example.com.conf",
        "server {\n    listen [::]:80;\n    listen 80;\n    server_name example.com;\n    root /var/www/example.com/public;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("NGX102"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("./conf.d/templates beside those of conf.d"),
        "{shown}"
    );
}

/// pimcore/skeleton: nginx passes PHP to `php`, an image this tool does not know. The note
/// said "no php-fpm found beside nginx"; it names the service nginx reaches.
#[test]
fn an_unknown_php_image_nginx_names_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker-compose.yaml",
        r#"services:
    nginx:
        image: nginx:stable-alpine
        ports:
            - "80:80"
        volumes:
            - .:/var/www/html:ro
            - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
        depends_on:
            - php
    php:
        image: pimcore/pimcore:php8.2-debug-latest
        volumes:
            - .:/var/www/html
"#,
    );
    write(
        dir.path(),
        "nginx.conf",
        r#"upstream php-pimcore10 {
    server php:9000;
}
server {
    listen 80 default_server;
    root /var/www/html/public;
    index index.php;
    location / {
        try_files $uri /index.php$is_args$args;
    }
    location ~ ^/index\.php(/|$) {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
        fastcgi_pass php-pimcore10;
        internal;
    }
}
"#,
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("nginx passes PHP to php (pimcore/pimcore:php8.2-debug-latest), whose image is not known here"),
        "{text}"
    );
    assert!(!text.contains("no php-fpm found"), "{text}");
}

/// `deployments --env` assembles with the values a lint gets (it was refused).
#[test]
fn deployments_take_env_values_as_the_lint_does() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:${NGINX_TAG}\n  php:\n    image: php:8.3-fpm\n",
    );
    let (shown, code) = run_in(
        dir.path(),
        &["deployments", ".", "--env", "NGINX_TAG=1.25-alpine"],
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("nginx:1.25-alpine"), "{shown}");
}

/// php-fpm in a ReplicationController behind its Service (robert-kel-tg/k8s-php-nginx):
/// the Service's name resolves, and its LoadBalancer publishes FastCGI (X024). A Service
/// whose pods are not read here still answers in cluster DNS: no "host not found".
#[test]
fn a_replication_controller_is_a_workload_and_any_service_is_a_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let nginx = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-config\ndata:\n  app.conf: |\n    server {\n      listen 80 default_server;\n      root /server/http/public;\n      location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass phpfpm:9000;\n      }\n    }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-nginx\nspec:\n  selector:\n    matchLabels: {run: my-nginx}\n  template:\n    metadata:\n      labels: {run: my-nginx}\n    spec:\n      volumes:\n      - name: config\n        configMap: {name: nginx-config}\n      containers:\n      - name: my-nginx\n        image: nginx\n        volumeMounts:\n        - mountPath: /etc/nginx/conf.d/app.conf\n          name: config\n          subPath: app.conf\n";
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: phpfpm\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 9000\n    targetPort: 9000\n  selector:\n    app: php7-fpm\n";
    let php = "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: php7-fpm\nspec:\n  replicas: 1\n  selector:\n    app: php7-fpm\n  template:\n    metadata:\n      labels:\n        app: php7-fpm\n    spec:\n      containers:\n      - name: phpfpm\n        image: php:7.4-fpm\n        ports:\n        - containerPort: 9000\n---\n";
    write(dir.path(), "k8s/nginx.yaml", nginx);
    write(dir.path(), "k8s/php.yaml", &format!("{php}{service}"));
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("X020"), "{text}");
    assert!(text.contains("X024"), "{text}");
    // The workload behind the Service in a kind not read: the name is still not "not found".
    write(
        dir.path(),
        "k8s/php.yaml",
        &format!(
            "{}{service}",
            php.replace("ReplicationController", "FancyOperatorSet")
        ),
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("X020"), "{text}");
}

/// A chart whose templates hold nginx configuration gets one note for its templates
/// folder, with the recipe `helm template` fits; the templates of charts without nginx
/// or php-fpm get none (chatwork/charts: 170 notes).
#[test]
fn helm_templates_are_one_note_per_folder_and_only_with_configuration() {
    let dir = tempfile::tempdir().expect("tmp");
    for i in 0..5 {
        write(
            dir.path(),
            &format!("php/templates/configmap-{i}.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-nginx\ndata:\n  default.conf: |\n    server {\n      listen 80;\n      location ~ \\.php$ {\n        fastcgi_pass unix:/var/run/php-fpm/php-fpm.sock;\n      }\n    }\n",
        );
        write(
            dir.path(),
            &format!("akka/templates/deployment-{i}.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n",
        );
    }
    let (text, code) = run_in(dir.path(), &["--format", "concise", "."]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text.matches("not rendered, not linted").count(),
        1,
        "{text}"
    );
    assert!(text.contains("5 files are a Helm template"), "{text}");
    assert!(!text.contains("akka"), "{text}");
    assert!(text.contains("helm template RELEASE CHART"), "{text}");
}

/// A chart that reads its nginx configuration from `files/` with `.Files.Get`
/// (nextcloud/helm) gets the `helm template` recipe, not the Ansible and Salt one.
#[test]
fn a_chart_reading_nginx_config_with_files_get_gets_the_helm_recipe() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "charts/app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    write(
        dir.path(),
        "charts/app/templates/nginx-config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-nginx\ndata:\n  default.conf: |-\n    {{- tpl (.Files.Get \"files/nginx.config.tpl\") . | nindent 4 }}\n",
    );
    write(
        dir.path(),
        "charts/app/files/nginx.config.tpl",
        "server {\n    listen {{ .Values.nginx.containerPort }};\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
    );
    let (text, code) = run_in(dir.path(), &["--format", "concise", "."]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("(.Files.Get): not rendered, not linted"),
        "{text}"
    );
    assert!(text.contains("helm template RELEASE CHART"), "{text}");
    assert!(!text.contains("ansible-playbook"), "{text}");
}

/// A repository of many php-fpm-only Dockerfiles (PrestaShop/docker: 384) says each
/// alike note once, with how many more places it holds for.
#[test]
fn alike_notes_of_many_deployments_are_told_once() {
    let dir = tempfile::tempdir().expect("tmp");
    for v in ["7.1", "7.2", "7.3", "7.4", "8.0"] {
        write(
            dir.path(),
            &format!("images/{v}-fpm/Dockerfile"),
            &format!("FROM php:{v}-fpm\nRUN docker-php-ext-install pdo_mysql\n"),
        );
    }
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert_eq!(
        text.matches("no nginx found beside php-fpm").count(),
        1,
        "{text}"
    );
    assert!(text.contains("(the same for 4 more: "), "{text}");
}

/// Docker mounts a folder before a file mounted inside it, whatever the order of the
/// `volumes:` lines (Magento's nginx.conf.sample mounted over the code folder, listed
/// first): the file is there, no NGX002.
#[test]
fn a_file_mounted_inside_a_mounted_folder_is_seen_whatever_the_order() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yml",
        "services:\n  web:\n    image: nginx:1.24\n    volumes:\n      - ./default.conf:/etc/nginx/conf.d/default.conf\n      - ./nginx.conf.sample:/var/www/magento2/nginx.conf.sample\n      - ./src:/var/www/magento2\n  fpm:\n    image: php:8.1-fpm\n    volumes:\n      - ./src:/var/www/magento2\n",
    );
    write(
        dir.path(),
        "default.conf",
        "upstream fastcgi_backend { server fpm:9000; }\nserver {\n    listen 80;\n    server_name mage.test;\n    set $MAGE_ROOT /var/www/magento2;\n    include /var/www/magento2/nginx.conf.sample;\n}\n",
    );
    write(
        dir.path(),
        "nginx.conf.sample",
        "root $MAGE_ROOT/pub;\nindex index.php;\nlocation ~ ^/(index|get|static|errors/report|errors/404|errors/503|health_check)\\.php$ {\n    fastcgi_pass fastcgi_backend;\n    fastcgi_index index.php;\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    include fastcgi_params;\n}\n",
    );
    write(dir.path(), "src/pub/index.php", "<?php\n");
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX002"), "{text}");
    assert!(!text.contains("not found"), "{text}");
}

/// A site no Compose file mounts is linted with the repository's files beside it, and a
/// file of `map`s the Compose file mounts into conf.d goes with it (read424's
/// php_mapping.conf defines the `$phpfpm` every site passes to): no unknown variable.
#[test]
fn an_unplaced_site_takes_the_map_files_beside_it() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  nginx:\n    image: nginx:stable-bullseye\n    volumes:\n      - ./php_mapping.conf:/etc/nginx/conf.d/php_mapping.conf\n      - ./php.conf:/etc/nginx/php.conf\n      - ./default.conf:/etc/nginx/conf.d/default.conf\n      - ./html:/usr/share/nginx/html\n  php-fpm8:\n    image: php:8.0.5-fpm-alpine\n    volumes:\n      - ./html:/usr/share/nginx/html\n",
    );
    write(
        dir.path(),
        "php_mapping.conf",
        "map $http_host $phpfpm {\n    default 'php-fpm8';\n    'localhost' 'php-fpm8';\n}\n",
    );
    write(
        dir.path(),
        "php.conf",
        "location ~ \\.php$ {\n    include fastcgi_params;\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    fastcgi_pass $phpfpm:9000;\n    resolver 127.0.0.11;\n}\n",
    );
    let site = |name: &str| {
        format!("server {{\n    listen 80;\n    server_name {name};\n    root /usr/share/nginx/html;\n    include /etc/nginx/php.conf;\n}}\n")
    };
    write(dir.path(), "default.conf", &site("localhost"));
    write(dir.path(), "app7-localhost.conf", &site("app7.localhost"));
    write(dir.path(), "html/index.php", "<?php\n");
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX024"), "{text}");
    assert!(text.contains("loose configuration files"), "{text}");
}

/// linuxserver's baseimage-alpine-nginx brings php-fpm; a Dockerfile that adds `php85-*`
/// packages runs php 8.5, whose files are /etc/php85 (docker-bookstack), not the base's.
#[test]
fn php_packages_added_on_an_alpine_base_name_the_php_that_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM ghcr.io/linuxserver/baseimage-alpine-nginx:3.24\nRUN apk add --no-cache php85-dom php85-gd php85-pdo_mysql && \\\n  sed -E -i 's/^;?clear_env ?=.*$/clear_env = no/g' /etc/php85/php-fpm.d/www.conf && \\\n  echo \"env[PATH] = /usr/local/bin:/usr/bin:/bin\" >> /etc/php85/php-fpm.conf\nCOPY root/ /\nEXPOSE 80 443\n",
    );
    write(
        dir.path(),
        "root/etc/php85/php-fpm.d/zz-app.conf",
        "[www]\npm.max_children = 8\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("main file: /etc/php85/php-fpm.conf"),
        "{shown}"
    );
    assert!(!shown.contains("/etc/php83"), "{shown}");
}

/// A folder of snippets the sites include inside `server` (LEMPer's etc/nginx/vhost/,
/// one of them with a `map`, and a README) is not a folder of sites standing in for
/// sites-enabled: its `location`s are read where the sites include them.
#[test]
fn a_folder_of_server_snippets_is_not_a_folder_of_sites() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n",
    );
    write(
        dir.path(),
        "etc/nginx/sites-available/default",
        "server {\n    listen 80 default_server;\n    server_name _;\n    root /var/www/html;\n    include /etc/nginx/vhost/site_default.conf;\n}\n",
    );
    write(
        dir.path(),
        "etc/nginx/vhost/site_default.conf",
        "location / {\n    try_files $uri $uri/ /index.php?$args;\n}\n",
    );
    write(
        dir.path(),
        "etc/nginx/vhost/site_wordpress.conf",
        "location ~ /wp-content/ {\n    expires 30d;\n}\nmap $http_referer $rule_3 {\n    default 0;\n}\n",
    );
    write(
        dir.path(),
        "etc/nginx/vhost/README.md",
        "# Site presets\n\nInclude one of these in a server block.\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX011"), "{text}");
    assert!(!text.contains("NGX001"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(!shown.contains("in place of"), "{shown}");
}

/// A main file that reads its sites from conf.d/*.conf and no sites-enabled (Hestia's
/// nginx.conf, whose top-level conf.d/main/*.conf loads modules): a sibling file of maps
/// goes into conf.d, where the installer copies it, and its variable is known.
#[test]
fn loose_siblings_go_where_the_main_file_reads_sites() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "install/deb/nginx/nginx.conf",
        "include /etc/nginx/conf.d/main/*.conf;\nevents {}\nhttp {\n\tproxy_set_header Early-Data $rfc_early_data;\n\tinclude /etc/nginx/conf.d/*.conf;\n\tserver { listen 80; location / { proxy_pass http://127.0.0.1:8080; } }\n}\n",
    );
    write(
        dir.path(),
        "install/deb/nginx/0rtt-anti-replay.conf",
        "map \"$ssl_early_data\" $rfc_early_data {\n\tdefault 0;\n\t1       1;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX024"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains(
            "/etc/nginx/conf.d/0rtt-anti-replay.conf ← install/deb/nginx/0rtt-anti-replay.conf"
        ),
        "{shown}"
    );
}

/// Panels' templates say what they are (Hestia's `%ip%` `.tpl`, WordOps' `.mustache`),
/// and source code named after nginx (aaPanel's class/nginx.py) is not configuration.
#[test]
fn panel_templates_are_named_for_what_they_are_and_source_code_is_not_read() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "templates/web/nginx/php-fpm/wordpress.tpl",
        "server {\n    listen      %ip%:%web_port%;\n    server_name %domain_idn% %alias_idn%;\n    root        %docroot%;\n    location ~ \\.php$ {\n        fastcgi_pass %backend_lsnr%;\n    }\n}\n",
    );
    write(
        dir.path(),
        "wo/cli/templates/virtualconf.mustache",
        "server {\n    listen 80;\n    server_name {{site_name}};\n    root {{webroot}}/htdocs;\n    include common/php.conf;\n}\n",
    );
    write(
        dir.path(),
        "class/nginx.py",
        "conf = '''\nserver {\n    listen %s;\n    server_name %s;\n    root %s;\n}\n'''\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("wordpress.tpl: installer template"), "{text}");
    assert!(
        text.contains("virtualconf.mustache: Mustache template"),
        "{text}"
    );
    assert!(!text.contains("nginx.py"), "{text}");
}

/// BuildKit here-documents (laradock's production Dockerfile): `COPY <<'EOF' /dest`
/// places the lines up to `EOF`, which are linted; they are not a missing file `./<<EOF`.
#[test]
fn a_here_document_copy_places_its_lines() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "# syntax=docker/dockerfile:1\nFROM php:8.3-fpm\nCOPY <<'EOF' /usr/local/etc/php/conf.d/zz-prod.ini\nmax_execution_time = 60\nEOF\nRUN apt-get update && apt-get install -y nginx supervisor && rm -f /etc/nginx/sites-enabled/default\nCOPY <<-EOF /etc/nginx/conf.d/default.conf\n\tserver {\n\t    listen 8080 default_server;\n\t    root /var/www/public;\n\t    location ~ \\.php$ {\n\t        include fastcgi_params;\n\t        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n\t        fastcgi_pass 127.0.0.1:9001;\n\t    }\n\t}\n\tEOF\nCMD [\"sh\", \"-c\", \"php-fpm -D && nginx -g 'daemon off;'\"]\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("<<EOF"), "{text}");
    assert!(!text.contains("no such file"), "{text}");
    assert!(text.contains("X001"), "{text}");
    // Placed in the Dockerfile, at the line of the here-document that holds it.
    assert!(text.contains("Dockerfile:14:"), "{text}");
}

/// `default-7` beside `default` in a sites-available with nothing enabled
/// (PageSpeedPlus/easyengine-2, one catch-all per PHP version): alternatives, enabled
/// one at a time; no "duplicate default server" between them.
#[test]
fn variants_of_the_catch_all_site_are_its_alternatives() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/sites-enabled/*;\n}\n",
    );
    for (name, php) in [("default", "php5"), ("default-7", "php7.0")] {
        write(
            dir.path(),
            &format!("etc/nginx/sites-available/{name}"),
            &format!("server {{\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\troot /var/www/html;\n\tlocation / {{\n\t\ttry_files $uri $uri/ =404;\n\t}}\n\t# {php}\n}}\n"),
        );
    }
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX020"), "{text}");
}

/// Kubernetes Deployments that run the images the repository's Compose file builds
/// (`build: {target: nginx}` beside `image: k8s-php-fpm/nginx:latest`, garyrutland's
/// k8s-php-fpm): the pods are those builds and are linted; here the Service nginx names
/// is missing.
#[test]
fn kubernetes_images_built_by_the_compose_file_are_those_builds() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM nginx:1-alpine AS nginx\nCOPY ./nginx/default.conf /etc/nginx/conf.d/default.conf\nCOPY ./app /var/www/html\n\nFROM php:8.4-fpm-alpine AS php-fpm\nCOPY ./app /var/www/html\n",
    );
    write(
        dir.path(),
        "docker-compose.yaml",
        "services:\n  nginx:\n    build: {target: nginx}\n    image: k8s-php-fpm/nginx:latest\n  php-fpm:\n    build: {target: php-fpm}\n    image: k8s-php-fpm/php:latest\n",
    );
    write(
        dir.path(),
        "nginx/default.conf",
        "server {\n    root /var/www/html/public;\n    location ~ ^/index\\.php(/|$) {\n        fastcgi_pass php-fpm:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;\n    }\n}\n",
    );
    write(dir.path(), "app/public/index.php", "<?php\n");
    let deployment = |name: &str, image: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n        - name: {name}\n          image: {image}\n---\n")
    };
    write(
        dir.path(),
        "k8s/all.yaml",
        &format!(
            "{}{}apiVersion: v1\nkind: Service\nmetadata: {{name: php}}\nspec:\n  ports: [{{port: 9000}}]\n  selector: {{app: php-fpm}}\n",
            deployment("nginx", "k8s-php-fpm/nginx:latest"),
            deployment("php-fpm", "k8s-php-fpm/php:latest")
        ),
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("k8s-php-fpm/nginx:latest (built by ./Dockerfile)"),
        "{shown}"
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("X020"), "{text}");
}

/// A service of an image that runs nginx through its own entrypoint script, which
/// renders `/etc/nginx/templates/https/init.conf.tpl` (nochlezhka/mks): the script starts
/// nginx only (`/init` in a path is no s6), and php-fpm is the other service.
#[test]
fn an_nginx_entrypoint_script_runs_nginx_only() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker/app/Dockerfile",
        "FROM php:8.3.8-fpm-alpine\nRUN apk add --no-cache nginx && rm -f /etc/nginx/http.d/default.conf\nCOPY docker/app/files/nginx /etc/nginx/\nRUN chmod +x /etc/nginx/entrypoint.sh\n",
    );
    write(
        dir.path(),
        "docker/app/files/nginx/entrypoint.sh",
        "#!/bin/sh\nset -ue\nMODE=${MODE:-http}\nif [ \"${MODE}\" = \"https_init\" ]; then\n  envsubst '${DOMAIN}' < /etc/nginx/templates/https/init.conf.tpl > /etc/nginx/conf.d/default.conf\nfi\n/usr/sbin/nginx\n",
    );
    write(
        dir.path(),
        "docker/app/files/nginx/nginx.conf",
        "user nginx;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    upstream php-upstream { server php:9000; }\n    server {\n        listen 80 default_server;\n        root /var/www/public;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass php-upstream;\n        }\n    }\n}\n",
    );
    write(
        dir.path(),
        "deploy/docker-compose.yml",
        "services:\n  nginx:\n    image: example/mks-app:latest\n    build:\n      context: ..\n      dockerfile: docker/app/Dockerfile\n    entrypoint: [ \"/etc/nginx/entrypoint.sh\" ]\n    links:\n      - php\n  php:\n    image: example/mks-app:latest\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(shown.contains("deployment nginx → php"), "{shown}");
    assert!(shown.contains("separate containers"), "{shown}");
    // Its service name and its `links:` entry are one name.
    assert!(shown.contains("php-fpm answers to php\n"), "{shown}");
}

/// A loose php-fpm main file of another layout (perusio's Debian php5-fpm.conf, `include=
/// /etc/php5/fpm/pool.d/*.conf`): its pool files go where it includes them, and are
/// linted; placed in the official image's php-fpm.d, none was read.
#[test]
fn loose_pools_go_where_the_loose_main_file_includes_them() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "fpm/php5-fpm.conf",
        "[global]\npid = /run/php5-fpm.pid\nerror_log = /var/log/php5-fpm.log\ninclude=/etc/php5/fpm/pool.d/*.conf\n",
    );
    write(
        dir.path(),
        "fpm/pool.d/www0.conf",
        "[www0]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9001\npm = static\npm.max_children = 0\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("fpm/pool.d/www0.conf:6:19: FPM006"), "{text}");
}

/// A kustomization.yaml without apiVersion and kind (kustomize allows it) is read: its
/// configMapGenerator's file is the ConfigMap the pod mounts, linted with the php-fpm
/// container beside nginx (Kube-ASY's workshop; the sidecar's port is wrong here).
#[test]
fn a_kustomization_without_kind_generates_its_config_maps() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "base/kustomization.yaml",
        "configMapGenerator:\n- name: nginx-config\n  files:\n  - vhost.conf\nresources:\n- deployment.yaml\n",
    );
    write(
        dir.path(),
        "base/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        volumeMounts:\n        - name: nginx-conf\n          mountPath: /etc/nginx/conf.d\n      - name: php\n        image: php:8.3-fpm\n      volumes:\n      - name: nginx-conf\n        configMap:\n          name: nginx-config\n          items:\n          - key: vhost.conf\n            path: site.conf\n",
    );
    write(
        dir.path(),
        "base/vhost.conf",
        "server {\n    listen 8080;\n    root /app/public;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9001;\n    }\n}\n",
    );
    write(
        dir.path(),
        "overlays/prod/kustomization.yaml",
        "resources:\n- ../../base\nnamePrefix: prod-\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("base/vhost.conf:7:22: X001"), "{text}");
    assert!(!text.contains("loose configuration files"), "{text}");
}

/// A php-fpm tree the repository places for another PHP version (wallabag's
/// /etc/php81/php-fpm.conf under an image that runs php-fpm84) is never read: a note
/// says so, as for nginx files no include reaches. A pool file a start script renders
/// (`{{NAME}}`) is read at runtime and gets no such note.
#[test]
fn php_fpm_files_the_running_php_fpm_never_reads_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.21\nRUN apk add --no-cache nginx php84-fpm\nCOPY root /\nCMD [\"sh\", \"-c\", \"php-fpm84 && nginx -g 'daemon off;'\"]\n",
    );
    write(
        dir.path(),
        "root/etc/php81/php-fpm.conf",
        "[global]\nerror_log = /var/log/php-fpm.log\n[www]\nuser = nobody\ngroup = nobody\nlisten = 127.0.0.1:9000\npm = ondemand\npm.max_children = 4\n",
    );
    write(
        dir.path(),
        "root/etc/php84/php-fpm.d/zz-template.conf",
        "[www]\npm.max_children = {{PHP_MAX_CHILDREN}}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(
        text.contains("1 php-fpm file of the repository is placed where the php-fpm that runs does not read it, and not linted: root/etc/php81/php-fpm.conf (at /etc/php81/php-fpm.conf)"),
        "{text}"
    );
    assert!(!text.contains("zz-template.conf (at"), "{text}");
}

/// nginx installed with apt on the official php image is Debian's package of the image's
/// release: php:8.3-fpm is trixie (nginx 1.26), whose `http2 on;` is known. The tag's
/// "8.3" is PHP's version, and was read as Debian 8 (jessie, nginx 1.6): `http2 on;` was
/// an unknown directive (MonoDG/myblog).
#[test]
fn apt_nginx_on_the_php_image_is_the_images_debian_release() {
    for (from, version) in [
        ("php:8.3-fpm", "1.26"),
        ("php:8.3-fpm-trixie", "1.26"),
        ("php:8.2-fpm-bookworm", "1.22"),
        ("php:7.4-fpm-bullseye", "1.18"),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "Dockerfile",
            &format!("FROM {from}\nRUN apt-get update && apt-get install -y nginx\nCOPY site /etc/nginx/sites-enabled/default\nCMD php-fpm -D && nginx -g \"daemon off;\"\n"),
        );
        write(
            dir.path(),
            "site",
            "server {\n    listen 80 default_server;\n    root /var/www/html/public;\n    index index.php;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
        );
        let (text, _) = run_in(dir.path(), &["deployments", "."]);
        assert!(
            text.contains(&format!("nginx version: {version}")),
            "{from}: {text}"
        );
    }
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm\nRUN apt-get update && apt-get install -y nginx\nCOPY site /etc/nginx/sites-enabled/default\nCMD php-fpm -D && nginx -g \"daemon off;\"\n",
    );
    write(
        dir.path(),
        "site",
        "server {\n    listen 443 ssl default_server;\n    http2 on;\n    ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;\n    ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;\n    root /var/www/html/public;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX010"), "{text}");
}

/// A byte-order mark at the start of a Compose file or a Dockerfile (Windows editors
/// write one) is not part of it: Compose and BuildKit read past it. The Compose file was
/// "not valid YAML", its deployment dropped, and the site linted as a loose file with
/// its wrong port unseen (NikaNats/wordpress-docker-starter).
#[test]
fn a_byte_order_mark_does_not_hide_a_compose_file_or_a_dockerfile() {
    let site = "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        fastcgi_pass php:9001;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n";
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker-compose.yml",
        "\u{feff}# saved by a Windows editor\nservices:\n  nginx:\n    image: nginx:1.25.3-alpine\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n  php:\n    image: php:8.3-fpm-alpine\n",
    );
    write(dir.path(), "nginx/default.conf", site);
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(
        text.contains("nginx/default.conf:5:22: X021 [error] no pool of php-fpm's container listens on the port of php:9001"),
        "{text}"
    );
    assert!(!text.contains("not valid YAML"), "{text}");

    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "\u{feff}FROM php:8.3-fpm\nRUN apt-get update && apt-get install -y nginx\nCOPY site /etc/nginx/conf.d/default.conf\nCMD php-fpm -D && nginx -g \"daemon off;\"\n",
    );
    write(dir.path(), "site", site);
    let (text, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(text.contains("php:8.3-fpm"), "{text}");
    assert!(
        text.contains("/etc/nginx/conf.d/default.conf ← site"),
        "{text}"
    );
}

/// `RUN unlink /etc/nginx/sites-enabled/default` removes Debian's default site as `rm`
/// does: the repository's site is then the only server on port 80, and not a second
/// one that loses to the stock `default_server` (MonoDG/myblog).
#[test]
fn run_unlink_removes_a_stock_file() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm\nRUN apt-get update && apt-get install -y nginx\nCOPY myblog /etc/nginx/sites-available/myblog\nRUN ln -s /etc/nginx/sites-available/myblog /etc/nginx/sites-enabled/myblog\nRUN unlink /etc/nginx/sites-enabled/default\nCMD php-fpm -D && nginx -g \"daemon off;\"\n",
    );
    write(
        dir.path(),
        "myblog",
        "server {\n    listen 80;\n    server_name _;\n    root /var/www/html/public;\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX101"), "{text}");
    assert!(!text.contains("NGX107"), "{text}");
}

/// A repository that keeps etc/ and some of var/ (a Vagrant box's copy of the files it
/// changed) is not the whole disk: Debian's nginx package makes /var/log/nginx, which the
/// copy lacks, and NGX027 called it missing, even on the stock nginx.conf the linter
/// supplies itself (Wotuu/keystone.guru.vagrant). A log directory no package makes is
/// still reported missing.
#[test]
fn directories_the_packages_make_are_not_missing_from_a_copy_of_root() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/sites-available/site",
        "server {\n    listen 80 default_server;\n    root /var/www/html;\n    error_log /var/log/nginx/site-error.log;\n    access_log /var/log/keystone/access.log;\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:/run/php/php7.4-fpm.sock;\n    }\n}\n",
    );
    write(
        dir.path(),
        "etc/php/7.4/fpm/pool.d/www.conf",
        "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php7.4-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n",
    );
    write(dir.path(), "var/log/app/.placeholder", "");
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(
        !text.contains("/var/log/nginx, which does not exist"),
        "{text}"
    );
    assert!(
        text.contains(
            "access_log /var/log/keystone/access.log is in /var/log/keystone, which does not exist"
        ),
        "{text}"
    );
}

/// `--root` on a partial copy of /etc: two sites in sites-available/ and no
/// sites-enabled/ were read as a machine with no site enabled, and the run said "No
/// problems found" on files it never linted (omicron-b/scripts); with a `var/log` of
/// its own the copy was taken for a whole machine and was "nothing found"
/// (Wotuu/keystone.guru.vagrant). Both are linted now, as repository mode lints them.
#[test]
fn a_partial_copy_of_etc_given_as_root_is_linted() {
    let site = |name: &str| {
        format!("server {{\n    listen 80;\n    server_name {name};\n    root /var/www/html;\n    location ~ \\.php$ {{\n        include fastcgi_params;\n        fastcgi_pass unix:/run/php/php7.4-fpm.sock;\n    }}\n}}\n")
    };
    let two_sites = tempfile::tempdir().expect("tmp");
    write(
        two_sites.path(),
        "etc/nginx/sites-available/api",
        &site("api.example.org"),
    );
    write(
        two_sites.path(),
        "etc/nginx/sites-available/default",
        &site("example.org"),
    );
    let root = two_sites.path().display().to_string();
    let (text, code) = run_in(two_sites.path(), &["--format", "concise", "--root", &root]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(text.matches("NGX201").count(), 2, "{text}");

    let with_var = tempfile::tempdir().expect("tmp");
    write(
        with_var.path(),
        "etc/nginx/sites-available/default",
        &site("example.org"),
    );
    write(
        with_var.path(),
        "etc/php/7.4/fpm/pool.d/www.conf",
        "[www]\nuser = www-data\ngroup = www-data\nlisten = /run/php/php7.4-fpm.sock\npm = static\npm.max_children = 5\n",
    );
    write(with_var.path(), "var/log/app/.keep", "");
    let root = with_var.path().display().to_string();
    let (text, code) = run_in(with_var.path(), &["--format", "concise", "--root", &root]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("NGX201"), "{text}");
}

/// A repository that keeps nginx.conf and its site side by side at its top
/// (sutlxwhx/highload-lemp: install.sh copies them to /etc/nginx/nginx.conf and
/// sites-enabled/default.conf): the site runs in sites-enabled, and nginx.conf is not
/// read inside its own http block (nine false NGX011 and an include cycle).
#[test]
fn a_main_file_and_its_site_side_by_side_run_as_main_and_site() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\nevents { worker_connections 1024; }\nhttp {\n\tinclude /etc/nginx/mime.types;\n\tinclude /etc/nginx/sites-enabled/*.conf;\n}\n",
    );
    write(
        dir.path(),
        "default.conf",
        "server {\n\tlisten 80;\n\troot /var/www/html;\n\tlocation ~ \\.php$ {\n\t\tfastcgi_pass unix:/run/php/php7.0-fpm.sock;\n\t}\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX011"), "{text}");
    assert!(!text.contains("NGX003"), "{text}");
    // It sends no fastcgi parameter at all: NGX225 (NGX201 leaves it there).
    assert!(text.contains("default.conf:5:16: NGX225"), "{text}");
}

/// `kind: List` holds its objects under `items` (bitnami's php-fpm example, what
/// `kubectl get -o yaml` writes): each is read as a manifest of its own. The list was
/// ignored, and the repository was "nothing found".
#[test]
fn a_kubernetes_list_is_read_item_by_item() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "kubernetes.yml",
        "kind: List\napiVersion: v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n  spec:\n    selector:\n      matchLabels: {app: web}\n    template:\n      metadata:\n        labels: {app: web}\n      spec:\n        containers:\n        - name: nginx\n          image: nginx:1.27\n          volumes: []\n          volumeMounts:\n          - name: conf\n            mountPath: /etc/nginx/conf.d\n        - name: php\n          image: php:8.3-fpm\n        volumes:\n        - name: conf\n          configMap:\n            name: nginx-conf\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: nginx-conf\n  data:\n    app.conf: |\n      server {\n          listen 80;\n          root /app;\n          location ~ \\.php$ {\n              include fastcgi_params;\n              fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n              fastcgi_pass 127.0.0.1:9001;\n          }\n      }\n",
    );
    let (text, code) = run_in(dir.path(), &["--format", "concise", "."]);
    assert_ne!(code, 2, "{text}");
    assert!(text.contains("X021") || text.contains("X001"), "{text}");
}

/// `CMD service php8.1-fpm start && nginx -g 'daemon off;'` starts Ubuntu's php-fpm: the
/// deployment was "nginx only", and a site pointed at 8.2's socket went unreported.
#[test]
fn service_php_fpm_start_in_the_command_runs_php_fpm() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y nginx php-fpm\nCOPY default /etc/nginx/sites-available/default\nCMD service php8.1-fpm start && nginx -g 'daemon off;'\n",
    );
    write(
        dir.path(),
        "default",
        "server {\n\tlisten 80 default_server;\n\troot /var/www/html;\n\tlocation ~ \\.php$ {\n\t\tinclude snippets/fastcgi-php.conf;\n\t\tfastcgi_pass unix:/run/php/php8.2-fpm.sock;\n\t}\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(
        text.contains(
            "default:6:16: X001 [error] no php-fpm pool listens on unix:/run/php/php8.2-fpm.sock"
        ),
        "{text}"
    );
}

/// Alpine's nginx package read its sites from /etc/nginx/conf.d up to 3.13 (3.14 moved
/// them to http.d): a site copied to conf.d on alpine:3.13 is loaded, and was called
/// "never loaded" (stremovsky/nginx-php, dwchiang's alpine3.13 images).
#[test]
fn alpine_before_3_14_loads_its_sites_from_conf_d() {
    for (from, loaded) in [("alpine:3.13", true), ("alpine:3.19", false)] {
        let dir = tempfile::tempdir().expect("tmp");
        write(
            dir.path(),
            "Dockerfile",
            &format!("FROM {from}\nRUN apk add php7 php7-fpm nginx\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCMD php-fpm7 && nginx -g 'daemon off;'\n"),
        );
        write(
            dir.path(),
            "default.conf",
            "server {\n    listen 80 default_server;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi.conf;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
        );
        let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
        assert_eq!(!text.contains("NGX215"), loaded, "{from}: {text}");
    }
}

/// `ENTRYPOINT ["/bin/sh", "/app/docker-entrypoint.sh"]` runs the script as
/// `ENTRYPOINT ["/app/docker-entrypoint.sh"]` does: its supervisord starts
/// `php-fpm -y www.conf`, whose pool listens on the socket nginx names. Not followed, the
/// image's own zz-docker.conf (`listen = 9000`) was read: a false X002
/// (lukkas-lukkas/php-nginx).
#[test]
fn a_start_script_run_through_a_shell_is_followed() {
    let dir = tempfile::tempdir().expect("tmp");
    for (rel, text) in [
        ("Dockerfile", "FROM php:8.0.0-fpm-alpine3.12\nRUN apk add --no-cache nginx supervisor\nCOPY config/ /\nCOPY docker-entrypoint.sh /app/docker-entrypoint.sh\nENTRYPOINT [\"/bin/sh\", \"/app/docker-entrypoint.sh\"]\n"),
        ("config/etc/nginx/nginx.conf", "user www-data;\nevents {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n"),
        ("config/etc/nginx/sites-enabled/default", "server {\n    listen 80;\n    root /app/public;\n    location ~ \\.php$ {\n        try_files $uri =404;\n        fastcgi_pass unix:/var/run/php8-fpm.sock;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        include fastcgi_params;\n    }\n}\n"),
        ("config/etc/supervisord.conf", "[supervisord]\nnodaemon=true\n[program:nginx]\ncommand=/usr/sbin/nginx -g 'daemon off;'\n[program:php-fpm]\ncommand=php-fpm -F -c /usr/local/etc/php/php.ini -y /usr/local/etc/php/php-fpm.d/www.conf\n"),
        ("config/usr/local/etc/php/php-fpm.d/www.conf", "[global]\nerror_log = /proc/self/fd/2\ndaemonize = no\n[www]\nuser = www-data\ngroup = www-data\nlisten = /var/run/php8-fpm.sock\nlisten.owner = www-data\nlisten.group = www-data\nlisten.mode = 0660\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n"),
        ("docker-entrypoint.sh", "#!/bin/sh\nset -e\nchown -R www-data:www-data /var/lib/nginx\ncd /app\nexec supervisord -c /etc/supervisord.conf\n"),
    ] {
        write(dir.path(), rel, text);
    }
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("X002"), "{text}");
    let (text, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        text.contains("main file: /usr/local/etc/php/php-fpm.d/www.conf"),
        "{text}"
    );
}

/// `include=${HEROKU_PHP_FPM_CONFIG_INCLUDE}` with the variable unknown names files that
/// are not known: FPM011 says the variable is unknown, and the include, globbed as
/// written, no longer "matches nothing" (heroku/heroku-buildpack-php).
#[test]
fn an_include_named_by_an_unknown_variable_is_not_globbed_as_written() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "conf/php/php-fpm.conf",
        "[global]\nerror_log = /proc/self/fd/2\n[www]\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 2\ninclude=${HEROKU_PHP_FPM_CONFIG_INCLUDE}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("FPM011"), "{text}");
    assert!(!text.contains("FPM005"), "{text}");
}

/// A folder of server-context snippets (ISPConfig's "nginx Directives", pasted into a
/// vhost's server block) with one whole server among them: only the server runs in
/// place of sites-enabled; the snippets were read in http and gave 203 false NGX011 on
/// PageSpeedPlus/ubuntu.
#[test]
fn a_folder_of_snippets_with_one_site_places_the_site_only() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "user www-data;\nevents { worker_connections 768; }\nhttp {\n\tinclude /etc/nginx/mime.types;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n",
    );
    write(
        dir.path(),
        "snippets/nginx/TYPO3.conf",
        "index index.php index.html;\nlocation ~ \\.php$ {\n    try_files $uri =404;\n    include /etc/nginx/fastcgi_params;\n    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    fastcgi_pass unix:/var/run/php5-fpm.sock;\n}\nlocation /typo3temp/ {\n    deny all;\n}\n",
    );
    write(
        dir.path(),
        "snippets/nginx/nextcloud.conf",
        "server {\n    listen 80;\n    server_name cloud.example.org;\n    root /var/www/nextcloud;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n    }\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX011"), "{text}");
    // The site is linted: it sends no fastcgi parameter (NGX225, SCRIPT_FILENAME named in
    // its help).
    assert!(text.contains("nextcloud.conf:6:22: NGX225"), "{text}");
}

/// An image named after the repository (`ghcr.io/acme/panel`) is built by its top-level
/// Dockerfile whatever folder the repository is checked out into (a CI runner's
/// `/builds/1234/…`): the git remote's name counts as the folder's (pterodactyl/panel,
/// whose compose file names the published image and builds nothing).
#[test]
fn the_top_level_dockerfile_builds_the_image_named_after_the_git_remote() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM php:8.3-fpm-alpine\nRUN apk add --no-cache nginx\nCOPY .github/docker/default.conf /etc/nginx/http.d/default.conf\nCMD [\"/bin/ash\", \".github/docker/entrypoint.sh\"]\n",
    );
    write(
        dir.path(),
        ".github/docker/default.conf",
        "server {\n    listen 80;\n    root /app/public;\n    location ~ \\.php$ {\n        fastcgi_pass 127.0.0.1:9000;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n    }\n}\n",
    );
    write(
        dir.path(),
        "docker-compose.example.yml",
        "services:\n  panel:\n    image: ghcr.io/acme/panel:latest\n    ports: [\"80:80\"]\n",
    );
    write(
        dir.path(),
        ".git/config",
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/acme/panel.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("ghcr.io/acme/panel:latest (built by ./Dockerfile)"),
        "{shown}"
    );
    // Without the remote, a folder of another name builds nothing known.
    std::fs::remove_file(dir.path().join(".git/config")).expect("rm");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        !shown.contains("ghcr.io/acme/panel:latest (built by"),
        "{shown}"
    );
}

/// A start script that fills a `{NAME}` placeholder with `sed` (zabbix's web images:
/// `sed -i "s/{FCGI_READ_TIMEOUT}/${FCGI_READ_TIMEOUT}/g"`): a literal replacement is the
/// value, and the site is linted with it; a value the script computes leaves the site
/// unread, and a note names the repository file and why, even though the include that
/// reaches it is the image's own nginx.conf.
#[test]
fn a_start_script_sed_placeholder_is_filled_or_said() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM nginx:1.27-alpine\nCOPY site.conf /etc/app/site.conf\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n",
    );
    write(
        dir.path(),
        "site.conf",
        "server {\n    listen 80;\n    root /var/www/html;\n    fastcgi_read_timeout {T};\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
    );
    let script = |sed: &str| {
        format!("#!/bin/sh\n{sed}\nln -sf /etc/app/site.conf /etc/nginx/conf.d/default.conf\nexec nginx -g 'daemon off;'\n")
    };
    write(
        dir.path(),
        "entrypoint.sh",
        &script("sed -i \"s/{T}/601/g\" /etc/app/site.conf"),
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("site.conf:7:22: NGX201"), "{text}");
    write(
        dir.path(),
        "entrypoint.sh",
        &script("T=$(expr ${MAX_TIME:-600} + 1)\nsed -i \"s/{T}/${T}/g\" /etc/app/site.conf"),
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("NGX201"), "{text}");
    assert!(
        text.contains("NGX005 [note] \"/etc/nginx/conf.d/default.conf\" is filled in before the server reads it (site.conf: the start script's sed writes a value it computes over {T})"),
        "{text}"
    );
    // A replacement naming a variable the script assigns a literal is that literal.
    write(
        dir.path(),
        "entrypoint.sh",
        &script("TIMEOUT=601\nsed -i \"s/{T}/${TIMEOUT}/g\" /etc/app/site.conf"),
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(text.contains("site.conf:7:22: NGX201"), "{text}");
}

/// `COPY --chown=… ["src/", "/var/www/html/"]`: the flag comes before the JSON form, and
/// the copy still happens (it was dropped, and php-fpm's container was said to lack the
/// scripts nginx names: a false X025 error).
#[test]
fn a_json_form_copy_with_a_flag_places_its_files() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "php/Dockerfile",
        "FROM php:8.3-fpm\nCOPY --chown=www-data:www-data [\"src/\", \"/var/www/html/\"]\n",
    );
    write(
        dir.path(),
        "compose.yml",
        "services:\n  php:\n    build: { context: ., dockerfile: php/Dockerfile }\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./src:/var/www/html:ro\n      - ./default.conf:/etc/nginx/conf.d/default.conf:ro\n",
    );
    write(dir.path(), "src/index.php", "<?php echo 1;\n");
    write(
        dir.path(),
        "default.conf",
        "server {\n    listen 80;\n    root /var/www/html;\n    index index.php;\n    location ~ \\.php$ {\n        try_files $uri =404;\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass php:9000;\n    }\n}\n",
    );
    let (text, _) = run_in(dir.path(), &["--format", "concise", "."]);
    assert!(!text.contains("X025"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(shown.contains("/var/www/html ← src/"), "{shown}");
}

/// A Kubernetes Service forwards its `port` to the pod's `targetPort` (a number, or a
/// container port's name): `fastcgi_pass php-fpm:80` through `port: 80, targetPort:
/// 9000` reaches the pool on 9000 (it was a false X021 error), `php-fpm:9000` through
/// `targetPort: 9001` reaches nothing (it was silent), and a port the Service does not
/// list is said so.
#[test]
fn kubernetes_service_ports_forward_to_their_target_ports() {
    let dir = tempfile::tempdir().expect("tmp");
    let manifest = |pass: &str, ports: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nginx-conf\ndata:\n  default.conf: |\n    server {{\n        listen 80;\n        root /var/www/html/public;\n        location ~ \\.php$ {{\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass {pass};\n        }}\n    }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        volumeMounts:\n        - {{name: conf, mountPath: /etc/nginx/conf.d}}\n        - {{name: code, mountPath: /var/www/html}}\n      volumes:\n      - name: conf\n        configMap: {{name: nginx-conf}}\n      - name: code\n        persistentVolumeClaim: {{claimName: code}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: php\nspec:\n  selector: {{matchLabels: {{app: php}}}}\n  template:\n    metadata: {{labels: {{app: php}}}}\n    spec:\n      containers:\n      - name: php\n        image: php:8.3-fpm\n        ports:\n        - {{name: fastcgi, containerPort: 9000}}\n        volumeMounts:\n        - {{name: code, mountPath: /var/www/html}}\n      volumes:\n      - name: code\n        persistentVolumeClaim: {{claimName: code}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: php-fpm\nspec:\n  selector: {{app: php}}\n  ports:\n{ports}"
        )
    };
    let lint = |pass: &str, ports: &str| {
        write(dir.path(), "app.yaml", &manifest(pass, ports));
        run_in(dir.path(), &["--no-config", "--format", "concise", "."]).0
    };
    let text = lint("php-fpm:80", "  - port: 80\n    targetPort: 9000\n");
    assert!(!text.contains("X021"), "{text}");
    let text = lint("php-fpm:80", "  - port: 80\n    targetPort: fastcgi\n");
    assert!(!text.contains("X021"), "{text}");
    let text = lint("php-fpm:9000", "  - port: 9000\n    targetPort: 9001\n");
    assert!(
        text.contains("X021 [error] no pool of php-fpm's container listens on port 9001, where Service php-fpm forwards php-fpm:9000"),
        "{text}"
    );
    let text = lint("php-fpm:9000", "  - port: 80\n    targetPort: 9000\n");
    assert!(
        text.contains("X021 [error] Service php-fpm has no port of php-fpm:9000: nothing answers there (its ports: 80 → 9000)"),
        "{text}"
    );
    // The Service by its cluster name is the same Service.
    let text = lint(
        "php-fpm.default.svc.cluster.local:9000",
        "  - port: 9000\n    targetPort: 9001\n",
    );
    assert!(
        text.contains("X021 [error] no pool of php-fpm's container listens on port 9001"),
        "{text}"
    );
    // Without a `ports` entry naming a target, the port is the container's.
    let text = lint("php-fpm:9000", "  - port: 9000\n");
    assert!(!text.contains("X021"), "{text}");
}

/// `${PWD}` in a Compose volume is the project's folder, where `docker compose` runs
/// (AzuraCast): read as empty, the mounted site was lost and its error missed.
#[test]
fn pwd_in_compose_volumes_is_the_project_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ${PWD}/default.conf:/etc/nginx/conf.d/default.conf:ro\n      - ${PWD}/app:/var/www/html\n  php:\n    image: php:8.3-fpm\n    volumes:\n      - ${PWD}/app:/var/www/html\n",
    );
    write(
        dir.path(),
        "default.conf",
        "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n",
    );
    write(dir.path(), "app/index.php", "<?php\n");
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(text.contains("default.conf:7:22: X019"), "{text}");
}

/// nginx and php-fpm on Compose networks that share none: php-fpm's service name does
/// not resolve from nginx, and X020 says why (it said no service was called so, and
/// offered nginx's own name).
#[test]
fn a_service_on_another_network_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27-alpine\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n      - ./src:/var/www/html:ro\n    networks: [front]\n  app:\n    image: php:8.3-fpm-alpine\n    volumes:\n      - ./src:/var/www/html\n    networks: [back]\nnetworks:\n  front: {}\n  back: {}\n",
    );
    write(
        dir.path(),
        "nginx/default.conf",
        "server {\n    listen 80;\n    root /var/www/html;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n        fastcgi_pass app:9000;\n    }\n}\n",
    );
    write(dir.path(), "src/index.php", "<?php\n");
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("X020 [error] host not found in upstream \"app\": `app` is php-fpm's service, but web (networks: front) and app (networks: back) share no Compose network"),
        "{text}"
    );
    assert!(!text.contains("did you mean"), "{text}");
}

/// A loose copy of the official image's zz-docker.conf shape (`[global]` error_log, then
/// `[www]` catch_workers_output: passbolt's) adjusts pools the image defines: it is read
/// after them, not placed as php-fpm.conf (three false FPM006 errors).
#[test]
fn a_global_section_before_a_pool_override_is_a_drop_in() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "conf/php/zz-docker.conf",
        "[global]\nerror_log = /proc/self/fd/2\nlog_limit = 8192\n\n[www]\ncatch_workers_output = yes\ndecorate_workers_output = no\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(!text.contains("FPM006"), "{text}");
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("/usr/local/etc/php-fpm.d/zz-zz-docker.conf ← conf/php/zz-docker.conf"),
        "{shown}"
    );
}

/// php-fpm beside an nginx service whose image is not known (devilbox/nginx-stable):
/// the note names that nginx instead of saying there is none.
#[test]
fn an_unknown_nginx_image_beside_php_fpm_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  php:\n    image: php:8.3-fpm\n  httpd:\n    image: devilbox/nginx-stable:alpine-1.0\n    environment:\n      - PHP_FPM_SERVER_ADDR=php\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert!(
        text.contains("the nginx beside php-fpm in ./docker-compose.yml is httpd (devilbox/nginx-stable:alpine-1.0)"),
        "{text}"
    );
    assert!(!text.contains("no nginx found"), "{text}");
}

/// `securityContext.runAsUser` starts a pod's containers as that uid, as Compose's
/// `user:` does: nginx's `user` is ignored, and a sidecar pod of one uid shares its
/// socket (rephapeng/magento-k8s's shape: a false X003 error); without it, nginx's
/// workers are `nginx` and the socket is closed to them.
#[test]
fn kubernetes_run_as_user_is_the_containers_user() {
    let dir = tempfile::tempdir().expect("tmp");
    let lint = |manifest: &str| {
        write(dir.path(), "pod.yaml", manifest);
        run_in(dir.path(), &["--no-config", "--format", "concise", "."]).0
    };
    let text = lint("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  default.conf: |\n    server {\n        listen 8080;\n        root /var/www/html;\n        index index.php;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/sock/php.sock;\n        }\n    }\n  zzz-sock.conf: |\n    [www]\n    listen = /sock/php.sock\n    listen.owner = www-data\n    listen.group = www-data\n    listen.mode = 0660\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n\n      containers:\n        - name: php\n          image: php:8.3-fpm\n          securityContext: {runAsUser: 33, runAsGroup: 33}\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /usr/local/etc/php-fpm.d/zzz-sock.conf, subPath: zzz-sock.conf}\n        - name: nginx\n          image: nginx:1.27\n          securityContext: {runAsUser: 33, runAsGroup: 33}\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /etc/nginx/conf.d/default.conf, subPath: default.conf}\n      volumes:\n        - {name: sock, emptyDir: {}}\n        - {name: code, emptyDir: {}}\n        - {name: cfg, configMap: {name: cfg}}\n");
    assert!(!text.contains("X003"), "{text}");
    let text = lint("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  default.conf: |\n    server {\n        listen 8080;\n        root /var/www/html;\n        index index.php;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/sock/php.sock;\n        }\n    }\n  zzz-sock.conf: |\n    [www]\n    listen = /sock/php.sock\n    listen.owner = www-data\n    listen.group = www-data\n    listen.mode = 0660\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      securityContext: {runAsUser: 33, runAsGroup: 33}\n      containers:\n        - name: php\n          image: php:8.3-fpm\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /usr/local/etc/php-fpm.d/zzz-sock.conf, subPath: zzz-sock.conf}\n        - name: nginx\n          image: nginx:1.27\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /etc/nginx/conf.d/default.conf, subPath: default.conf}\n      volumes:\n        - {name: sock, emptyDir: {}}\n        - {name: code, emptyDir: {}}\n        - {name: cfg, configMap: {name: cfg}}\n");
    assert!(!text.contains("X003"), "{text}");
    let text = lint("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  default.conf: |\n    server {\n        listen 8080;\n        root /var/www/html;\n        index index.php;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/sock/php.sock;\n        }\n    }\n  zzz-sock.conf: |\n    [www]\n    listen = /sock/php.sock\n    listen.owner = www-data\n    listen.group = www-data\n    listen.mode = 0660\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n\n      containers:\n        - name: php\n          image: php:8.3-fpm\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /usr/local/etc/php-fpm.d/zzz-sock.conf, subPath: zzz-sock.conf}\n        - name: nginx\n          image: nginx:1.27\n          volumeMounts:\n            - {name: sock, mountPath: /sock}\n            - {name: code, mountPath: /var/www/html}\n            - {name: cfg, mountPath: /etc/nginx/conf.d/default.conf, subPath: default.conf}\n      volumes:\n        - {name: sock, emptyDir: {}}\n        - {name: code, emptyDir: {}}\n        - {name: cfg, configMap: {name: cfg}}\n");
    assert!(
        text.contains("X003 [error] nginx runs as \"nginx\""),
        "{text}"
    );
}

/// A finding inside a Kubernetes ConfigMap or a Dockerfile here-document is placed in the
/// repository file at the line that holds it: GitHub annotations and SARIF viewers open a
/// real file (they got `<ConfigMap ...>/etc/nginx/conf.d/default.conf:8`).
#[test]
fn findings_in_embedded_configuration_point_into_the_repository_file() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "k8s/app.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nginx-conf}\ndata:\n  default.conf: |\n    server {\n        listen 80;\n        root /var/www/html;\n        location ~ \\.php$ {\n            include fastcgi_params;\n            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n            fastcgi_pass unix:/sock/fpm.sock;\n        }\n    }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: nginx\n          image: nginx:1.27\n          volumeMounts:\n            - {name: conf, mountPath: /etc/nginx/conf.d}\n        - name: php\n          image: php:8.3-fpm\n      volumes:\n        - name: conf\n          configMap: {name: nginx-conf}\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM nginx:1.27\nCOPY <<EOF /etc/nginx/conf.d/default.conf\nserver {\n    listen 80;\n    location ~ \\.php$ {\n        fastcgi_pass php:9000;\n    }\n}\nEOF\n",
    );
    let (text, _) = run_in(dir.path(), &["--no-config", "--format", "github", "."]);
    assert!(text.contains("file=k8s/app.yaml,line=12,col=26"), "{text}");
    assert!(text.contains("file=Dockerfile,line=6,col=22"), "{text}");
    assert!(!text.contains("file=<"), "{text}");
    // The byte range is the carrying file's too (edits of a fix land there).
    let (json, _) = run_in(dir.path(), &["--no-config", "--format", "json", "."]);
    // (run_in puts the notes of stderr first.)
    let json = &json[json.find("{\n").expect("a report")..];
    let report: serde_json::Value = serde_json::from_str(json).expect("json");
    let yaml = std::fs::read(dir.path().join("k8s/app.yaml")).expect("read");
    let in_yaml = report["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["location"]["file"] == "k8s/app.yaml")
        .expect("a finding in the ConfigMap");
    let at = &in_yaml["location"];
    let start = at["offset"].as_u64().expect("offset") as usize;
    let length = at["length"].as_u64().expect("length") as usize;
    let named = &yaml[start..start + length];
    // The bytes the offset names are the ones its line and column name.
    let line = at["start"]["line"].as_u64().expect("line") as usize;
    let column = at["start"]["column"].as_u64().expect("column") as usize;
    let text = String::from_utf8_lossy(&yaml);
    let at_line = text.lines().nth(line - 1).expect("line");
    assert!(!named.is_empty());
    assert!(
        at_line.as_bytes()[column - 1..].starts_with(named),
        "{at_line:?} {:?}",
        String::from_utf8_lossy(named)
    );
}

/// A CentOS image with Remi's php72 collection (da-hatakeyama/k8s-php-720-sample): the
/// repository's php-fpm.conf ADDed to /etc/opt/remi/php72 is the main file php-fpm
/// reads, with the pools it includes, not "a main file neither in the repository nor a
/// stock file".
#[test]
fn a_remi_collections_php_fpm_conf_is_the_main_file() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "Dockerfile",
        "FROM centos:centos7.2.1511\nRUN yum -y install php72-php-fpm\nADD ./php-fpm.conf /etc/opt/remi/php72/php-fpm.conf\nADD ./php-fpm.d/ /etc/opt/remi/php72/php-fpm.d\nCMD [\"php-fpm\", \"-F\"]\n",
    );
    write(
        dir.path(),
        "php-fpm.conf",
        "[global]\nerror_log = /proc/self/fd/2\ninclude=/etc/opt/remi/php72/php-fpm.d/*.conf\n",
    );
    write(
        dir.path(),
        "php-fpm.d/www.conf",
        "[www]\nuser = apache\nlisten = 9000\npm = dynamic\n",
    );
    let (shown, _) = run_in(dir.path(), &["deployments", "."]);
    assert!(
        shown.contains("main file: /etc/opt/remi/php72/php-fpm.conf"),
        "{shown}"
    );
    // The pool is read through the main file's include: its missing pm.max_children is
    // php-fpm's refusal, not a drop-in's note.
    let (text, code) = run_in(dir.path(), &["--no-config", "--format", "concise", "."]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("FPM006 [error]"), "{text}");
}

/// tamakiii-sandbox/php-fpm-nginx: the official image's relative `include=etc/php-fpm.d/*.conf`
/// in a distribution's php-fpm (prefix /usr) reads no pool. X021 says php-fpm reads none and
/// points at that include, which FPM005 names with where it was resolved.
#[test]
fn a_relative_fpm_include_under_a_distribution_prefix_is_the_named_cause() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/repos/yum-php-fpm-absolute-include-broken-relative");
    let out = Command::cargo_bin("nginx-fpm-lint")
        .expect("binary")
        .current_dir(&dir)
        .args(["--no-config", "--format", "json", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let x021 = diagnostics
        .iter()
        .find(|d| d["code"] == "X021")
        .expect("X021");
    assert!(
        x021["message"]
            .as_str()
            .is_some_and(|m| m.contains("reads no pool at all")),
        "{x021}"
    );
    assert_eq!(
        x021["related"][0]["file"], "docker/php/php-fpm.conf",
        "{x021}"
    );
    assert_eq!(x021["related"][0]["start"]["line"], 3, "{x021}");
    let fpm005 = diagnostics
        .iter()
        .find(|d| d["code"] == "FPM005")
        .expect("FPM005");
    assert!(
        fpm005["message"]
            .as_str()
            .is_some_and(|m| m.contains("'/usr/etc/php-fpm.d/*.conf'")),
        "{fpm005}"
    );
    assert!(
        fpm005["help"]
            .as_str()
            .is_some_and(|h| h.contains("include=/etc/php-fpm.d/*.conf")),
        "{fpm005}"
    );
}
