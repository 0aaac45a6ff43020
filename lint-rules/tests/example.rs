//! The bundled example: every planted mistake is found, nothing else.

use std::path::{Path, PathBuf};

use lint_rules::{lint, LintInput, LintOptions, NginxInput};
use lint_source::SourceMap;

#[test]
fn the_example_finds_every_planted_mistake() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/example");
    let input = LintInput {
        nginx: vec![NginxInput::File(PathBuf::from("/etc/nginx/nginx.conf"))],
        fpm: vec![PathBuf::from("/etc/php/8.2/fpm/php-fpm.conf")],
        php_ini: vec![PathBuf::from("/etc/php/8.2/fpm/php.ini")],
        options: LintOptions {
            root: Some(root),
            ..Default::default()
        },
    };
    let map = SourceMap::new();
    let diags = lint(&input, &map);
    let lines: Vec<String> = diags
        .iter()
        .map(|d| {
            let span = d.primary.as_ref().expect("primary").span;
            let f = map.get(span.file);
            let at = f.line_col(span.start);
            format!("{}:{} {} {}", f.path.display(), at.line, d.code, d.message)
        })
        .collect();
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    for expected in [
        "X001", "X003", "X005", "X006", "FPM001", "FPM007", "NGX101", "NGX201",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from:\n{}",
            lines.join("\n")
        );
    }
    eprintln!("{}", lines.join("\n"));
}
