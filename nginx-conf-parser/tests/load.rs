//! Loading trees from disk and from `nginx -T` dumps.

use std::path::Path;

use lint_source::SourceMap;
use nginx_conf_parser::check::{check, CheckOptions};
use nginx_conf_parser::{from_dump, load, LoadOptions};

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The load checks' messages on `dir/nginx.conf`, loaded with the default options.
fn load_check_messages(dir: &Path) -> Vec<String> {
    let map = SourceMap::new();
    let config = load(&dir.join("nginx.conf"), &LoadOptions::default(), &map);
    messages(&map, &check(&config, &CheckOptions::default(), &map))
}

fn messages(map: &SourceMap, diags: &[lint_source::Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let span = d.primary.as_ref().expect("primary").span;
            let file = map.get(span.file);
            let at = file.line_col(span.start);
            format!(
                "{}:{}:{} {} {}",
                file.path.display(),
                at.line,
                at.column,
                d.code,
                d.message
            )
        })
        .collect()
}

#[test]
fn includes_resolve_against_the_conf_dir_under_root_in_glob_order() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "etc/nginx/nginx.conf", "events {}\nhttp {\n include conf.d/*.conf;\n include /etc/nginx/missing.conf;\n include /etc/nginx/none/*.conf;\n}\n");
    write(
        dir.path(),
        "etc/nginx/conf.d/b.conf",
        "server { listen 81; }\n",
    );
    write(
        dir.path(),
        "etc/nginx/conf.d/a.conf",
        "server { listen 80; include snippets/x.conf; }\n",
    );
    write(dir.path(), "etc/nginx/conf.d/.hidden.conf", "broken {\n");
    write(dir.path(), "etc/nginx/snippets/x.conf", "server_name a;\n");
    let map = SourceMap::new();
    let opts = LoadOptions {
        root: Some(dir.path().to_path_buf()),
        prefix: None,
        ..Default::default()
    };
    let config = load(Path::new("/etc/nginx/nginx.conf"), &opts, &map);
    assert_eq!(
        messages(&map, &config.diagnostics),
        ["/etc/nginx/nginx.conf:4:2 NGX002 open() \"/etc/nginx/missing.conf\" failed (2: No such file or directory)"]
    );
    let http = config.items().find(|i| i.is("http")).expect("http");
    let listens: Vec<String> = http
        .children()
        .filter(|i| i.is("server"))
        .flat_map(|s| {
            s.children()
                .filter(|i| i.is("listen"))
                .map(|l| l.arg(0).expect("arg").into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(listens, ["80", "81"]);
    let names: Vec<_> = http
        .children()
        .flat_map(|s| s.children())
        .filter(|i| i.is("server_name"))
        .collect();
    assert_eq!(names.len(), 1);
    assert!(check(&config, &CheckOptions::default(), &map).is_empty());
}

#[test]
fn include_cycles_are_cut_and_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), "nginx.conf", "events {}\ninclude a.conf;\n");
    write(dir.path(), "a.conf", "include b.conf;\n");
    write(dir.path(), "b.conf", "include a.conf;\n");
    let map = SourceMap::new();
    let config = load(
        &dir.path().join("nginx.conf"),
        &LoadOptions::default(),
        &map,
    );
    let msgs = messages(&map, &config.diagnostics);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("b.conf:1:1 NGX003 include cycle"),
        "{msgs:?}"
    );
    assert_eq!(config.items().count(), 4);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_directories_are_diagnostics() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "events {}\ninclude loop.conf;\ninclude sub;\n",
    );
    std::os::unix::fs::symlink(dir.path().join("loop.conf"), dir.path().join("loop.conf"))
        .expect("symlink");
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    let map = SourceMap::new();
    let config = load(
        &dir.path().join("nginx.conf"),
        &LoadOptions::default(),
        &map,
    );
    let codes: Vec<_> = config.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["NGX004", "NGX004"],
        "{:?}",
        messages(&map, &config.diagnostics)
    );
}

#[test]
fn nginx_t_dumps_keep_paths_and_lines() {
    let dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n\
# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/sites/*;\n}\n\n\
# configuration file /etc/nginx/sites/a:\nserver {\n    listen 80;\n    sendfile maybe;\n}\n\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    assert!(config.diagnostics.is_empty());
    let diags = check(&config, &CheckOptions::default(), &map);
    assert_eq!(
        messages(&map, &diags),
        ["/etc/nginx/sites/a:3:14 NGX014 invalid value \"maybe\" in \"sendfile\" directive, it must be \"on\" or \"off\""]
    );
}

/// Dumps as users paste them: saved with CRLF line ends (every marker line ends in
/// `:\r`: the whole dump was "no marker"), and with the Markdown fence that closed the
/// paste (a syntax error in the last file, at a line it does not have).
#[test]
fn crlf_and_fenced_dumps_read_as_the_plain_dump() {
    let dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n\
# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx/sites/*;\n}\n\n\
# configuration file /etc/nginx/fastcgi.conf:\nfastcgi_param QUERY_STRING $query_string;\n\n\
# configuration file /etc/nginx/sites/a:\nserver {\n    listen 80;\n    sendfile maybe;\n}\n\n";
    let expected = ["/etc/nginx/sites/a:3:14 NGX014 invalid value \"maybe\" in \"sendfile\" directive, it must be \"on\" or \"off\""];
    let crlf = dump.replace('\n', "\r\n");
    let fenced = format!("```\n{dump}```\n");
    let fenced_crlf = format!("```text\r\n{crlf}\r\n```\r\n\r\n");
    for text in [dump.to_string(), crlf, fenced, fenced_crlf] {
        let map = SourceMap::new();
        let config = from_dump(Path::new("-"), text.as_bytes(), &map);
        assert_eq!(config.files.len(), 2, "{text:?}");
        let mut diags = config.diagnostics.clone();
        diags.extend(check(&config, &CheckOptions::default(), &map));
        assert_eq!(messages(&map, &diags), expected, "{text:?}");
    }
    // A fence inside the last file is the file's (a comment of backticks is not a fence).
    let inner = format!("{dump}# ```\n");
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), inner.as_bytes(), &map);
    assert!(config.diagnostics.is_empty());
}

#[test]
fn a_trimmed_dump_resolves_relative_includes_beside_the_files_it_shows() {
    // Pasted into an issue without nginx.conf: the site comes first, fastcgi_params later.
    let dump = "# configuration file /etc/nginx/conf.d/app.conf:\n\
server {\n    listen 8080;\n    location ~ \\.php$ {\n        include fastcgi_params;\n        fastcgi_pass unix:/run/php.sock;\n    }\n}\n\n\
# configuration file /etc/nginx/fastcgi_params:\nfastcgi_param QUERY_STRING $query_string;\n\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    assert!(
        config.diagnostics.is_empty(),
        "{:?}",
        messages(&map, &config.diagnostics)
    );
    assert_eq!(config.files.len(), 2);
}

#[test]
fn a_dump_whose_main_file_comes_first_resolves_against_its_directory() {
    // Only the main file's directory counts, even when a dumped file lies elsewhere.
    let dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /srv/extra.conf;\n    include params;\n}\n\n\
# configuration file /srv/extra.conf:\n\n\
# configuration file /srv/params:\n\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    let codes: Vec<_> = config.diagnostics.iter().map(|d| d.code).collect();
    // Not a claim about the disk: a file nginx read is in its dump, so one missing from
    // it was left out of the paste.
    assert_eq!(
        codes,
        ["NGX005"],
        "{:?}",
        messages(&map, &config.diagnostics)
    );
    assert!(config.diagnostics[0].message.contains("is not in the dump"));
}

/// What the differential of genuine `nginx -T` output against the files found (triage
/// AC): each case read as the files are.
#[test]
fn genuine_dumps_read_as_their_files() {
    let site = "# configuration file /etc/nginx/conf.d/site.conf:\nserver {\n    listen 80;\n    sendfile maybe;\n}\n\n";
    let expected = "/etc/nginx/conf.d/site.conf:3:14 NGX014";
    let read = |text: &str| {
        let map = SourceMap::new();
        let config = from_dump(Path::new("-"), text.as_bytes(), &map);
        let mut diags = config.diagnostics.clone();
        diags.extend(check(&config, &CheckOptions::default(), &map));
        (config.files.len(), messages(&map, &diags))
    };
    // `nginx -T -c /etc/nginx/prod.conf` with a file outside its directory: relative
    // includes resolve against the main file's directory, whatever it is named.
    let prod = format!("# configuration file /etc/nginx/prod.conf:\nevents {{}}\nhttp {{\n    include /usr/share/nginx/modules/*.conf;\n    include conf.d/*.conf;\n}}\n\n# configuration file /usr/share/nginx/modules/mod.conf:\n\n{site}");
    let (files, found) = read(&prod);
    assert_eq!(files, 3, "{found:?}");
    assert!(found.iter().any(|m| m.starts_with(expected)), "{found:?}");
    let plain = format!("# configuration file /etc/nginx/nginx.conf:\nevents {{}}\nhttp {{\n    include conf.d/*.conf;\n}}\n\n{site}");
    // Text after the dump: a shell prompt, nginx's footer of another run, a fence and prose.
    for tail in [
        "root@web1:~# ",
        "nginx: [emerg] unknown directive \"x\" in /etc/nginx/a.conf:1\nnginx: configuration file /etc/nginx/nginx.conf test failed\n",
        "```\nAny idea why this returns 502?\n",
    ] {
        let (files, found) = read(&format!("{plain}{tail}"));
        assert_eq!(files, 2, "{tail:?}: {found:?}");
        assert_eq!(found.len(), 1, "{tail:?}: {found:?}");
        assert!(found[0].starts_with(expected), "{tail:?}: {found:?}");
    }
    // A marker line inside a block (a comment copied from an old dump) or inside a
    // multi-line string is the file's content, and a path printed twice is content too.
    let commented = plain.replace(
        "http {\n",
        "http {\n# configuration file /etc/nginx/conf.d/fake.conf:\n",
    );
    let quoted = plain.replace(
        "http {\n",
        "http {\n    map $uri $y { default \"a\n# configuration file /etc/nginx/conf.d/fake.conf:\nb\"; }\n",
    );
    for text in [commented, quoted] {
        let (files, found) = read(&text);
        assert_eq!(files, 2, "{found:?}");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with(expected), "{found:?}");
    }
    // nginx prints an include as it joined it (`/etc/nginx//conf.d/site.conf`,
    // `/etc/nginx/../common/h.conf`): the names are read as the paths they are.
    let joined = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    include /etc/nginx//conf.d/*.conf;\n    include ../common/h.conf;\n}\n\n# configuration file /etc/nginx//conf.d/site.conf:\nserver {\n    listen 80;\n    sendfile maybe;\n}\n\n# configuration file /etc/nginx/../common/h.conf:\n\n";
    let (files, found) = read(joined);
    assert_eq!(files, 3, "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with(expected), "{found:?}");
}

/// A dump cut off in the middle of a file says so (a note), rather than a syntax error of
/// the user's file; a failed `nginx -T` reports nginx's own message.
#[test]
fn cut_off_and_failed_dumps_say_what_they_are() {
    let cut = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    server {\n        listen 80;\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), cut.as_bytes(), &map);
    assert!(
        config
            .diagnostics
            .iter()
            .all(|d| d.severity == lint_source::Severity::Note),
        "{:?}",
        messages(&map, &config.diagnostics)
    );
    assert!(config
        .diagnostics
        .iter()
        .any(|d| d.message.contains("the paste looks cut off")));
    let failed = "2026/12/05 13:14:47 [emerg] 32657#32657: unknown directive \"retrun\" in /etc/nginx/conf.d/a.conf:4\nnginx: configuration file /etc/nginx/nginx.conf test failed\n";
    assert!(nginx_conf_parser::is_dump(failed.as_bytes()));
    let map = SourceMap::new();
    let config = from_dump(Path::new("nginx-T.txt"), failed.as_bytes(), &map);
    let found = messages(&map, &config.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("unknown directive \"retrun\" in /etc/nginx/conf.d/a.conf:4"),
        "{found:?}"
    );
}

#[test]
fn the_example_tree_and_this_machines_layout_load_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/example");
    let map = SourceMap::new();
    let opts = LoadOptions {
        root: Some(root),
        prefix: None,
        ..Default::default()
    };
    let config = load(Path::new("/etc/nginx/nginx.conf"), &opts, &map);
    assert!(
        config.diagnostics.is_empty(),
        "{:?}",
        messages(&map, &config.diagnostics)
    );
    let diags = check(
        &config,
        &CheckOptions {
            version: nginx_conf_parser::catalogue::NginxVersion::V1_22,
            ..Default::default()
        },
        &map,
    );
    assert!(diags.is_empty(), "{:?}", messages(&map, &diags));
    assert!(config.items().count() > 3);
}

#[test]
fn debians_own_nginx_tree_parses_and_checks_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/nginx/debian");
    let map = SourceMap::new();
    let opts = LoadOptions {
        root: Some(root),
        prefix: None,
        ..Default::default()
    };
    let config = load(Path::new("/etc/nginx/nginx.conf"), &opts, &map);
    assert!(
        config.diagnostics.is_empty(),
        "{:?}",
        messages(&map, &config.diagnostics)
    );
    let diags = check(
        &config,
        &CheckOptions {
            version: nginx_conf_parser::catalogue::NginxVersion::V1_22,
            ..Default::default()
        },
        &map,
    );
    assert!(diags.is_empty(), "{:?}", messages(&map, &diags));
    // mime.types, fastcgi.conf through the snippet, both sites and conf.d were all read.
    assert!(config.files.len() >= 6, "{}", config.files.len());
    let passes = nginx_conf_parser::debug_tree(&config, &map);
    assert!(
        passes.contains(
            "fastcgi_pass unix:/run/php/php8.2-fpm.sock;    # /etc/nginx/sites-enabled/php-app:16"
        ),
        "{passes}"
    );
}

#[test]
fn listen_parameters_follow_the_target_version() {
    let dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    server {\n        listen 443 quic;\n        listen 443 ssl http2;\n        listen 8443 quic ssl;\n    }\n}\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    let for_version = |version| {
        let diags = check(
            &config,
            &CheckOptions {
                version,
                ..Default::default()
            },
            &map,
        );
        messages(&map, &diags)
            .into_iter()
            .filter(|m| !m.contains("NGX021"))
            .collect::<Vec<_>>()
    };
    use nginx_conf_parser::catalogue::NginxVersion;
    assert_eq!(
        for_version(NginxVersion::V1_22),
        [
            "/etc/nginx/nginx.conf:4:20 NGX014 invalid parameter \"quic\"",
            "/etc/nginx/nginx.conf:6:21 NGX014 invalid parameter \"quic\""
        ]
    );
    assert_eq!(
        for_version(NginxVersion::Latest),
        [
            "/etc/nginx/nginx.conf:5:24 NGX018 the \"listen ... http2\" directive is deprecated, use the \"http2\" directive instead",
            "/etc/nginx/nginx.conf:6:26 NGX014 \"listen\" directive \"ssl\" parameter is incompatible with \"quic\""
        ]
    );
}

/// Walks every block of the tree (as the checks and the model do) and counts statements.
/// `/etc/nginx/nginx.conf` of a copy of `/` at `root`, loaded without a problem.
fn load_clean(root: &Path, map: &SourceMap) -> nginx_conf_parser::Config {
    let opts = LoadOptions {
        root: Some(root.to_path_buf()),
        prefix: None,
        ..Default::default()
    };
    let config = load(Path::new("/etc/nginx/nginx.conf"), &opts, map);
    assert!(config.diagnostics.is_empty(), "{:?}", config.diagnostics);
    config
}

fn walk_all(config: &nginx_conf_parser::Config) -> usize {
    let mut stack = vec![config.items()];
    let mut statements = 0;
    while let Some(items) = stack.last_mut() {
        let Some(item) = items.next() else {
            stack.pop();
            continue;
        };
        statements += 1;
        if item.is_block() {
            stack.push(item.children());
        }
    }
    statements
}

#[test]
fn files_including_each_other_through_a_glob_are_expanded_once_per_block() {
    // Each site file includes the whole directory again (a real-world slip: `include
    // sites-enabled/*;` pasted into a site). nginx recurses until its stack overflows;
    // walking include path by include path would take 2^1000 steps.
    const SITES: usize = 1000;
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
    );
    for i in 0..SITES {
        write(
            dir.path(),
            &format!("etc/nginx/sites-enabled/s{i:04}"),
            &format!("server {{\n    listen 80;\n    server_name s{i}.example;\n}}\ninclude /etc/nginx/sites-enabled/*;\n"),
        );
    }
    let map = SourceMap::new();
    let opts = LoadOptions {
        root: Some(dir.path().to_path_buf()),
        prefix: None,
        ..Default::default()
    };
    let config = load(Path::new("/etc/nginx/nginx.conf"), &opts, &map);
    // One cycle report per include statement that closes cycles, not one per file pair.
    let cycles: Vec<String> = messages(&map, &config.diagnostics)
        .into_iter()
        .filter(|m| m.contains("NGX003"))
        .collect();
    assert_eq!(cycles.len(), SITES, "{:?}", &cycles[..3.min(cycles.len())]);
    assert!(
        cycles[0].starts_with("/etc/nginx/sites-enabled/s0000:5:1 NGX003 include cycle: \"/etc/nginx/sites-enabled/s0000\""),
        "{}",
        cycles[0]
    );
    assert_eq!(config.expansions(), 0);
    // One full walk: every site file is spliced exactly once into the http block.
    let statements = walk_all(&config);
    assert_eq!(config.expansions(), SITES);
    // nginx.conf: events, http, include; per site: server, listen, server_name, include.
    assert_eq!(statements, 3 + 4 * SITES);
    // The load-time checks walk the tree several times; each walk splices each file once.
    let before = config.expansions();
    let diags = check(&config, &CheckOptions::default(), &map);
    let per_check = config.expansions() - before;
    // Every walk splices each file exactly once: a multiple of SITES, and few walks.
    assert_eq!(
        per_check % SITES,
        0,
        "{per_check} splices for {SITES} files"
    );
    assert!(
        per_check <= 16 * SITES,
        "{per_check} splices for {SITES} files"
    );
    assert!(!config.budget_exhausted());
    assert!(
        !diags.iter().any(|d| d.code == "NGX003"),
        "the budget was not spent"
    );
}

/// A hosting box's single file of servers, each including `fastcgi.conf` from two
/// locations: three files, 16 000 splices per walk. A budget counted in files alone
/// (256 each, at least 65 536) was spent by the load checks' fourth walk, and the rest
/// of the tree went unchecked under a false "includes expand to more than 65536
/// files"; the budget grows with the include statements too.
#[test]
fn one_file_of_many_servers_including_a_snippet_is_walked_to_the_end() {
    const SERVERS: usize = 10_000;
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "events {}\nhttp {\n    include /etc/nginx/sites.conf;\n}\n",
    );
    write(
        dir.path(),
        "etc/nginx/fastcgi.conf",
        "fastcgi_param QUERY_STRING $query_string;\n",
    );
    let mut sites = String::new();
    for i in 0..SERVERS {
        sites.push_str(&format!(
            "server {{\n    listen 80;\n    server_name s{i}.test;\n    location / {{ include /etc/nginx/fastcgi.conf; }}\n    location /a {{ include /etc/nginx/fastcgi.conf; }}\n}}\n"
        ));
    }
    write(dir.path(), "etc/nginx/sites.conf", &sites);
    let map = SourceMap::new();
    let config = load_clean(dir.path(), &map);
    let diags = check(&config, &CheckOptions::default(), &map);
    // The premise: the checks splice more than a budget of files alone allowed.
    assert!(
        config.expansions() > 65_536,
        "{} splices",
        config.expansions()
    );
    assert!(!config.budget_exhausted());
    let stopped: Vec<String> = messages(&map, &diags)
        .into_iter()
        .filter(|m| m.contains("NGX003"))
        .collect();
    assert!(stopped.is_empty(), "{stopped:?}");
    // Every server and both locations of the last one are still walked.
    let before = config.expansions();
    assert_eq!(walk_all(&config), 3 + SERVERS * 9);
    assert_eq!(config.expansions() - before, 1 + 2 * SERVERS);
}

#[test]
fn nested_blocks_including_each_other_stop_at_the_budget() {
    // Acyclic but exponential: each file opens a location that includes every later
    // file, so a file is reached once per subset of the files before it. Splicing once
    // per block cannot flatten this; the shared budget ends it, and says so.
    const FILES: usize = 30;
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "etc/nginx/nginx.conf",
        "events {}\nhttp {\n    server {\n        listen 80;\n        include /etc/nginx/n/f0000;\n    }\n}\n",
    );
    for i in 0..FILES {
        let mut text = format!("location /l{i} {{\n");
        for j in i + 1..FILES {
            text.push_str(&format!("    include /etc/nginx/n/f{j:04};\n"));
        }
        text.push_str("}\n");
        write(dir.path(), &format!("etc/nginx/n/f{i:04}"), &text);
    }
    let map = SourceMap::new();
    let config = load_clean(dir.path(), &map);
    let diags = check(&config, &CheckOptions::default(), &map);
    assert!(config.budget_exhausted());
    assert!(config.expansions() <= config.expansion_budget() + 1);
    let budget: Vec<String> = messages(&map, &diags)
        .into_iter()
        .filter(|m| m.contains("NGX003"))
        .collect();
    assert_eq!(
        budget,
        [format!(
            "/etc/nginx/nginx.conf:1:1 NGX003 includes expand to more than {} files; the rest of the tree is not checked",
            config.expansion_budget()
        )]
    );
    // Later walks find the budget spent and end at once.
    let before = config.expansions();
    walk_all(&config);
    assert_eq!(config.expansions(), before);
}

/// FreshRSS's documented server: `ssl on;` (nginx before 1.25.1) turns TLS on for the
/// plain `listen 80` too; live, nginx 1.22.1 answers every http:// request there with 400.
/// The deprecation says so and points at that listen; with every listen `ssl`, it does not.
#[test]
fn ssl_on_points_at_the_plain_listen_it_turns_to_tls() {
    let check_text = |text: &str| {
        let dir = tempfile::tempdir().expect("tmp");
        let main = dir.path().join("nginx.conf");
        std::fs::write(&main, text).expect("write");
        let map = SourceMap::new();
        let config = load(&main, &LoadOptions::default(), &map);
        let opts = CheckOptions {
            version: nginx_conf_parser::catalogue::NginxVersion::V1_22,
            ..Default::default()
        };
        check(&config, &opts, &map)
            .into_iter()
            .find(|d| d.code == "NGX018")
            .expect("ssl is deprecated")
    };
    let server = |listens: &str| {
        format!("events {{}}\nhttp {{\n    server {{\n{listens}        ssl on;\n        ssl_certificate /etc/ssl/a.pem;\n        ssl_certificate_key /etc/ssl/a.key;\n    }}\n}}\n")
    };
    let d = check_text(&server("        listen 80;\n        listen 443 ssl;\n"));
    assert!(d.notes.iter().any(|n| n.contains("400")), "{d:?}");
    assert_eq!(d.related.len(), 1, "{d:?}");
    let d = check_text(&server("        listen 443 ssl;\n"));
    assert!(d.notes.is_empty() && d.related.is_empty(), "{d:?}");
}

/// `Item::is` answers by the name's value: quoted and escaped names are what they spell
/// (nginx unquotes and unescapes the first word too: `\"` is `"`, `\_` stays as
/// written), and a name that shares its length and outer bytes with another is not it.
#[test]
fn a_statement_is_the_name_its_value_spells() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "nginx.conf",
        "events {}\nhttp {\n \"root\" /a;\n fastcgi\\_pass unix:/b;\n \\\"x\\\"y 1;\n 'listen' 80;\n rooT /c;\n fastcgi_param A b;\n}\n",
    );
    let map = SourceMap::new();
    let config = load(
        &dir.path().join("nginx.conf"),
        &LoadOptions::default(),
        &map,
    );
    let http = config.items().find(|i| i.is("http")).expect("http");
    let names = |name: &str| http.children().filter(|i| i.is(name)).count();
    assert_eq!(names("root"), 1);
    assert_eq!(names("fastcgi_pass"), 0);
    assert_eq!(names("fastcgi\\_pass"), 1);
    assert_eq!(names("\"x\"y"), 1);
    assert_eq!(names("listen"), 1);
    assert_eq!(names("rooT"), 1);
    assert_eq!(names("fastcgi_param"), 1);
    assert_eq!(names("fastcgi_parm"), 0);
    assert_eq!(names("fastcgi_pasS"), 0);
    assert_eq!(names(""), 0);
}

/// Triage AP's false negatives, in nginx 1.22.1 -t's words (each checked with it; the
/// verdicts are differential cases too).
#[test]
fn handlers_that_read_their_words_first_say_what_nginx_says() {
    let dump = "# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    log_format main '$uri';\n    log_format main '$uri';\n    log_format MAIN '$uri';\n    log_format combined '$uri';\n    server {\n        set foo 1;\n        set $ 1;\n        index a.php \"\";\n        location /a { return abc; }\n        location /b { return -1; }\n        location /c { return 1000; }\n        location /d { return https://x text; }\n        location /e { try_files $uri =abc; }\n        location /f { try_files $uri =$status; }\n        location /g { try_files $uri =1000; }\n        location /ok { try_files =404 $uri =99; return $scheme://x; set $v 1; index a \"b\"; }\n    }\n}\n";
    let map = SourceMap::new();
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    let diags = check(&config, &CheckOptions::default(), &map);
    let mut found: Vec<String> = messages(&map, &diags)
        .into_iter()
        .filter(|m| m.contains("NGX014"))
        .map(|m| {
            m.split_once(" NGX014 ").map_or(m.clone(), |(at, msg)| {
                format!("{} {msg}", at.rsplit(':').nth(1).unwrap_or(""))
            })
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "10 index \"a.php\" in \"index\" directive is invalid",
            "11 invalid return code \"abc\"",
            "12 invalid return code \"-1\"",
            "13 invalid return code \"1000\"",
            "14 invalid return code \"https://x\"",
            "15 invalid code \"=abc\"",
            "16 invalid code \"=$statu\"",
            "17 invalid code \"=1000\"",
            "4 duplicate \"log_format\" name \"main\"",
            "6 duplicate \"log_format\" name \"combined\"",
            "8 invalid variable name \"foo\"",
            "9 invalid variable name \"$\"",
        ]
    );
}

/// A snippet spliced into many blocks is checked in each (the walk keeps the answer for a
/// clean statement per context, never a finding): a bad value is reported at every
/// splice, and a directive allowed in `server` and `location` but not in `http` only
/// where the snippet is spliced into `http`, whichever splice comes first.
#[test]
fn a_snippet_spliced_in_many_blocks_is_judged_in_each() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().display();
    write(
        dir.path(),
        "s.conf",
        "client_max_body_size 1m;\ngzip maybe;\ntry_files $uri =404;\n",
    );
    write(
        dir.path(),
        "nginx.conf",
        &format!("events {{}}\nhttp {{\n    server {{\n        listen 80;\n        include {d}/s.conf;\n        location / {{\n            include {d}/s.conf;\n        }}\n    }}\n    include {d}/s.conf;\n    server {{\n        listen 81;\n        include {d}/s.conf;\n    }}\n}}\n"),
    );
    let found = load_check_messages(dir.path());
    let count = |word: &str| found.iter().filter(|m| m.contains(word)).count();
    assert_eq!(count("\"gzip\""), 4, "{found:#?}");
    assert_eq!(count("\"try_files\""), 1, "{found:#?}");
    assert_eq!(count("client_max_body_size"), 0, "{found:#?}");
}

/// The variables check reads a statement of a snippet spliced more than once only once per
/// parent block: a name the snippet uses is still judged where the parent compiles it (not
/// in a `geo` entry, in a `location`), whichever splice comes first, and a name the
/// snippet defines is known wherever it is spliced first.
#[test]
fn a_variable_in_a_spliced_snippet_is_judged_per_context() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path().display();
    write(dir.path(), "uses.conf", "root $nowhere_defined;\n");
    write(
        dir.path(),
        "defines.conf",
        "set $from_snippet /srv;\nadd_header X-Seen $also_nowhere;\n",
    );
    write(
        dir.path(),
        "nginx.conf",
        &format!("events {{}}\nhttp {{\n    geo $g {{\n        default 0;\n        include {d}/uses.conf;\n    }}\n    server {{\n        listen 80;\n        location /a {{\n            include {d}/defines.conf;\n        }}\n        location /b {{\n            include {d}/defines.conf;\n            include {d}/uses.conf;\n        }}\n        location /c {{\n            include {d}/uses.conf;\n            return 200 $from_snippet;\n        }}\n    }}\n}}\n"),
    );
    let found = load_check_messages(dir.path());
    let unknown = |name: &str| {
        found
            .iter()
            .filter(|m| m.contains(&format!("unknown \"{name}\" variable")))
            .count()
    };
    assert_eq!(unknown("nowhere_defined"), 1, "{found:#?}");
    assert_eq!(unknown("also_nowhere"), 1, "{found:#?}");
    assert_eq!(unknown("from_snippet"), 0, "{found:#?}");
    // Reported at the snippet's statement, not at a splice.
    assert!(
        found
            .iter()
            .any(|m| m.contains("uses.conf:1:6") && m.contains("nowhere_defined")),
        "{found:#?}"
    );
}
