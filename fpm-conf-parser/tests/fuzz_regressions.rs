//! Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found slow or crashing, kept as tests.

use std::path::Path;

use fpm_conf_parser::{check, load, FpmLoadOptions};
use lint_source::SourceMap;

/// Loads `text` as `<root>/etc/php/8.2/fpm/php-fpm.conf` and runs the checks.
fn check_text(text: &str) -> Vec<lint_source::Diagnostic> {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("etc/php/8.2/fpm");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("php-fpm.conf"), text).expect("write");
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: Some(root.path().to_path_buf()),
        ..FpmLoadOptions::default()
    };
    let config = load(Path::new("/etc/php/8.2/fpm/php-fpm.conf"), &opts, &map);
    let mut diags = config.diagnostics.clone();
    diags.extend(check(&config));
    diags
}

/// fpm_load, 2026-12-02: a 300 KB unknown key took 6 s (its edit distance to every known
/// name, computed twice). It is still reported, with no suggestion; a typo still gets one.
#[test]
fn a_huge_unknown_key_is_reported_without_a_suggestion() {
    let text = format!(
        "[global]\n[www]\nlisten = 9000\npm.max_childern = 5\n{} = 1\n",
        "x".repeat(300_000)
    );
    let unknown: Vec<_> = check_text(&text)
        .into_iter()
        .filter(|d| d.message.starts_with("unknown entry"))
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    assert_eq!(
        unknown[0].help.as_deref(),
        Some("did you mean 'pm.max_children'?")
    );
    assert_eq!(unknown[1].help, None);
}

/// fpm_load, 2026-12-02 (session 5): `include=` lines whose glob matches the file itself
/// are followed again at every level down to php-fpm's depth limit of 5: eight such lines
/// would parse the file 8⁵ = 32 768 times. Parses are capped (the map also keeps one copy
/// of each file); the cap is reported once per include line it stops, as a warning.
#[test]
fn a_file_that_includes_itself_many_times_is_parsed_a_bounded_number_of_times() {
    let mut text = String::from("[global]\n");
    for _ in 0..8 {
        text.push_str("include = /etc/php/8.2/fpm/*.conf\n");
    }
    text.push_str("[www]\nlisten = 9000\nmisspelt_key = 1\n");
    let diags = check_text(&text);
    let unknown = diags
        .iter()
        .filter(|d| d.message.starts_with("unknown entry"))
        .count();
    // One unknown entry per parse: the main file, its first read through the glob, and
    // at most 256 repeated parses.
    assert!((1..=258).contains(&unknown), "{unknown} parses");
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("the linter stopped following them")),
        "the cap is reported"
    );
}

/// The cap above counts only repeated parses: a hosting box's thousand pool files, each
/// included once by `include=pool.d/*.conf`, are all read (a first version of the cap
/// counted every file and dropped pools past the 256th).
#[test]
fn every_pool_of_a_large_tree_is_read_once() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("etc/php/8.2/fpm");
    std::fs::create_dir_all(dir.join("pool.d")).expect("mkdir");
    std::fs::write(
        dir.join("php-fpm.conf"),
        "[global]\ninclude=/etc/php/8.2/fpm/pool.d/*.conf\n",
    )
    .expect("write");
    for i in 0..600 {
        std::fs::write(
            dir.join(format!("pool.d/site{i:03}.conf")),
            format!("[site{i:03}]\nlisten = /run/php/site{i:03}.sock\n"),
        )
        .expect("write");
    }
    let map = SourceMap::new();
    let opts = FpmLoadOptions {
        root: Some(root.path().to_path_buf()),
        ..FpmLoadOptions::default()
    };
    let config = load(Path::new("/etc/php/8.2/fpm/php-fpm.conf"), &opts, &map);
    assert_eq!(config.pools.len(), 600);
    assert!(!config
        .diagnostics
        .iter()
        .any(|d| d.message.contains("stopped following")));
}
