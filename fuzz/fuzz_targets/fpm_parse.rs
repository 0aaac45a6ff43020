//! `cargo fuzz run fpm_parse`: the php-fpm line parser on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (mut d, mut u) = (Vec::new(), Vec::new());
    fpm_conf_parser::parse_lines(
        lint_source::FileId(0),
        data,
        &fpm_conf_parser::Env::new(),
        &mut d,
        &mut u,
    );
});
