//! `cargo fuzz run nginx_parse`: the nginx parser and the load-time checks on arbitrary bytes.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, _) = nginx_conf_parser::parse_file(lint_source::FileId(0), Arc::from(data));
    let _ = nginx_conf_parser::print_file(&file);
});
