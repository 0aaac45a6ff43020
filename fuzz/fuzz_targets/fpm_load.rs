//! `cargo fuzz run fpm_load`: arbitrary bytes as php-fpm.conf loaded from memory
//! (`include=` globs resolve in an in-memory filesystem that holds only it), the
//! php-fpm checks over the result, and the same bytes read as php.ini.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use fpm_conf_parser::{check, load, load_php_ini, FpmLoadOptions};
use libfuzzer_sys::fuzz_target;
use nginx_fpm_lint_fuzz::{check_diagnostics, MemoryFs};

const MAIN: &str = "/etc/php/8.2/fpm/php-fpm.conf";

fuzz_target!(|data: &[u8]| {
    let map = lint_source::SourceMap::new();
    let mut fs = MemoryFs::new();
    fs.insert(MAIN, data);
    fs.insert("/etc/php/8.2/fpm/php.ini", data);
    let mut env = fpm_conf_parser::Env::new();
    env.insert("HOSTNAME".into(), "app".into());
    env.insert("PHP_FPM_PORT".into(), "9000".into());
    let opts = FpmLoadOptions {
        env,
        fs: Some(Arc::new(fs)),
        ..FpmLoadOptions::default()
    };
    let config = load(Path::new(MAIN), &opts, &map);
    check_diagnostics(&map, &config.diagnostics);
    check_diagnostics(&map, &check(&config));
    let ini = load_php_ini(Path::new("/etc/php/8.2/fpm/php.ini"), &opts, &map);
    check_diagnostics(&map, &ini.diagnostics);
});
