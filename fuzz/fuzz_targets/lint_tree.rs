//! `cargo fuzz run lint_tree`: the whole lint (load, load-time checks, model, every
//! rule) over a tree of up to 8 files decoded from the input (see
//! `nginx_fpm_lint_fuzz::decode_tree`), read from memory: nginx from
//! /etc/nginx/nginx.conf, php-fpm from /etc/php/8.2/fpm/php-fpm.conf, their includes
//! among the decoded files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nginx_fpm_lint_fuzz::{check_diagnostics, lint_tree, on_this_thread};

fuzz_target!(|data: &[u8]| {
    on_this_thread(|| {
        let map = lint_source::SourceMap::new();
        let diagnostics = lint_tree(data, &map);
        check_diagnostics(&map, &diagnostics);
    });
});
