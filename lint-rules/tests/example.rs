//! The bundled example: every planted mistake is found where it is, and nothing else.

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
    // Opt-in codes (gixy's advice, SEC081 on Debian's worker_connections 768, SEC047 on
    // `try_files $uri $uri/ ...` without open_file_cache) are reported
    // only when a front end's selection names them; the engine itself runs every rule.
    let found: Vec<String> = diags
        .iter()
        .filter(|d| !lint_rules::is_opt_in(d.code))
        .map(|d| {
            let span = d.primary.as_ref().expect("primary").span;
            let f = map.get(span.file);
            format!(
                "{}:{} {}",
                f.path.display(),
                f.line_col(span.start).line,
                d.code
            )
        })
        .collect();
    // The eight planted mistakes, and what they bring with them (X014 and X035 on the
    // admin upstream's keepalive, FPM105 on the pools' small sizes): exactly these, in
    // this order.
    let expected = [
        "/etc/nginx/conf.d/upstreams.conf:2 X005",
        "/etc/nginx/conf.d/upstreams.conf:3 X014",
        "/etc/nginx/conf.d/upstreams.conf:3 X035",
        "/etc/nginx/sites-enabled/admin.conf:12 X006",
        "/etc/nginx/sites-enabled/blog.conf:10 NGX201",
        "/etc/nginx/sites-enabled/shop.conf:5 NGX101",
        "/etc/nginx/sites-enabled/shop.conf:16 X001",
        "/etc/php/8.2/fpm/pool.d/admin.conf:8 FPM105",
        "/etc/php/8.2/fpm/pool.d/blog.conf:7 X003",
        "/etc/php/8.2/fpm/pool.d/blog.conf:12 FPM105",
        "/etc/php/8.2/fpm/pool.d/shop.conf:6 FPM001",
        "/etc/php/8.2/fpm/pool.d/shop.conf:12 FPM007",
    ];
    assert_eq!(found, expected, "findings:\n{}", lines.join("\n"));
}
