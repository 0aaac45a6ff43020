//! Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found slow or crashing, kept as tests.

use std::path::Path;

use lint_source::SourceMap;
use nginx_conf_parser::catalogue::NginxVersion;
use nginx_conf_parser::check::{check, CheckOptions};
use nginx_conf_parser::from_dump;

/// Loads `text` as /etc/nginx/nginx.conf (an `nginx -T` dump of one file) and runs the
/// load-time checks for `version`.
fn check_text(text: &str, version: NginxVersion) -> Vec<lint_source::Diagnostic> {
    let map = SourceMap::new();
    let dump = format!("# configuration file /etc/nginx/nginx.conf:\n{text}\n");
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    let opts = CheckOptions {
        version,
        ..CheckOptions::default()
    };
    check(&config, &opts, &map)
}

/// Thousands of `set`s and thousands of unknown names: each unknown name was compared
/// with every known one for a suggestion (4 000 of each took 5 s). The comparisons have
/// a budget: every unknown variable is still reported; the first ones get their
/// suggestion, the ones past the budget the plain help.
#[test]
fn many_unknown_variables_among_many_sets_stay_linear() {
    let n = 3000;
    let mut text = String::from("events {}\nhttp {\n server {\n  location / {\n");
    for i in 0..n {
        text += &format!("   set $var{i} 1;\n");
    }
    for i in 0..n {
        // `$var{i}x`: the name runs on to the `x`, one edit from `$var{i}`.
        text += &format!("   add_header X{i} $var{i}x;\n");
    }
    text += "  }\n }\n}\n";
    let unknown: Vec<_> = check_text(&text, NginxVersion::Latest)
        .into_iter()
        .filter(|d| d.message.starts_with("unknown \""))
        .collect();
    assert_eq!(unknown.len(), n);
    let suggested = unknown
        .iter()
        .filter(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
        })
        .count();
    assert!(suggested > 0 && suggested < n, "{suggested} suggestions");
    assert!(unknown[0]
        .help
        .as_deref()
        .is_some_and(|h| h.starts_with("did you mean $var0?")));
}

/// nginx_load, 2026-12-02: 40 `set`s of 1000-byte names and 40 uses of other 1000-byte
/// names spent over a minute computing did-you-mean edit distances (each pair costs the
/// product of the lengths). Every unknown variable is still reported; long ones get the
/// plain help, a short typo still its suggestion.
#[test]
fn long_unknown_variables_are_reported_without_suggestions() {
    let (n, len) = (60, 2000);
    let mut text = String::from("events {}\nhttp {\n server {\n  location / {\n");
    for i in 0..n {
        text += &format!("   set ${}{i:03} 1;\n", "a".repeat(len));
    }
    for i in 0..n {
        text += &format!("   add_header X{i} ${}{i:03};\n", "b".repeat(len));
    }
    text += "   add_header Y $request_urj;\n  }\n }\n}\n";
    for version in [NginxVersion::V1_22, NginxVersion::Latest] {
        let unknown: Vec<_> = check_text(&text, version)
            .into_iter()
            .filter(|d| d.code == "NGX024")
            .collect();
        assert_eq!(unknown.len(), n + 1, "{version:?}");
        let suggested: Vec<&str> = unknown
            .iter()
            .filter_map(|d| d.help.as_deref())
            .filter(|h| h.starts_with("did you mean"))
            .collect();
        assert_eq!(suggested, ["did you mean $request_uri?"], "{version:?}");
    }
}

/// nginx_load, session 5: a `fastcgi_buffers` count of 1 259 012 347 872 615 536 made the
/// busy-buffers relation overflow a multiplication (a panic in debug builds, a wrong
/// verdict in release ones). The relation saturates now.
#[test]
fn a_huge_buffer_count_does_not_overflow_the_busy_buffers_relation() {
    let text = "events {}\nhttp {\n fastcgi_buffers 00000001259012347872615536 16k;\n fastcgi_busy_buffers_size 32k;\n server {\n  location / {\n   fastcgi_buffers 1259012347872615536 1m;\n  }\n }\n}\n";
    for version in [NginxVersion::V1_22, NginxVersion::Latest] {
        // Runs to the end: the busy size is far below all buffers, so no relation error.
        let found = check_text(text, version);
        assert!(
            !found
                .iter()
                .any(|d| d.message.contains("must be less than the size of all")),
            "{found:#?}"
        );
    }
}
