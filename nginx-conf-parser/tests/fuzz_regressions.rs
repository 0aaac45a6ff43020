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
