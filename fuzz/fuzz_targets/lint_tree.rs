//! `cargo fuzz run lint_tree`: the whole lint (load, load-time checks, model, every
//! rule) over a tree of up to 8 files decoded from the input (see
//! `nginx_fpm_lint_fuzz::decode_tree`), read from memory: nginx from
//! /etc/nginx/nginx.conf, php-fpm from /etc/php/8.2/fpm/php-fpm.conf, their includes
//! among the decoded files.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use lint_rules::{lint, LintInput, LintOptions, NginxInput};
use nginx_fpm_lint_fuzz::{check_diagnostics, decode_tree};

fuzz_target!(|data: &[u8]| {
    let fs = decode_tree(data);
    let accounts = match (
        fs.get("/etc/passwd".as_ref()),
        fs.get("/etc/group".as_ref()),
    ) {
        (None, None) => None,
        (p, g) => Some((
            String::from_utf8_lossy(p.unwrap_or_default()).into_owned(),
            String::from_utf8_lossy(g.unwrap_or_default()).into_owned(),
        )),
    };
    let php_ini = PathBuf::from("/etc/php/8.2/fpm/php.ini");
    let has_ini = fs.get(&php_ini).is_some();
    let fs: Arc<dyn lint_source::vfs::FileSystem> = Arc::new(fs);
    let input = LintInput {
        nginx: vec![NginxInput::File("/etc/nginx/nginx.conf".into())],
        fpm: vec!["/etc/php/8.2/fpm/php-fpm.conf".into()],
        php_ini: if has_ini { vec![php_ini] } else { Vec::new() },
        options: LintOptions {
            // Odd-length inputs target nginx 1.22, the others the newest.
            nginx_version: (data.len() % 2 == 1).then(|| "1.22".to_string()),
            nginx_fs: Some(fs.clone()),
            fpm_fs: Some(fs),
            accounts,
            ..LintOptions::default()
        },
    };
    let map = lint_source::SourceMap::new();
    let diagnostics = lint(&input, &map);
    check_diagnostics(&map, &diagnostics);
});
