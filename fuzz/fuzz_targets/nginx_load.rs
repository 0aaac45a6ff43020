//! `cargo fuzz run nginx_load`: arbitrary bytes as /etc/nginx/nginx.conf, loaded through
//! the loader (its includes resolve in an in-memory filesystem that holds only it, so
//! `include nginx.conf` is a cycle), then every load-time check for nginx 1.22 and the
//! newest, with the root context inferred. Input beginning with an `nginx -T` marker is
//! read as a dump instead (several files, includes among them).
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use nginx_conf_parser::catalogue::NginxVersion;
use nginx_conf_parser::check::{check, infer_context, CheckOptions};
use nginx_conf_parser::{from_dump, load, LoadOptions};
use nginx_fpm_lint_fuzz::{check_diagnostics, MemoryFs};

fuzz_target!(|data: &[u8]| {
    let map = lint_source::SourceMap::new();
    let config = if data.starts_with(b"# configuration file ") {
        from_dump(Path::new("-"), data, &map)
    } else {
        let mut fs = MemoryFs::new();
        fs.insert("/etc/nginx/nginx.conf", data);
        let opts = LoadOptions {
            fs: Some(Arc::new(fs)),
            ..LoadOptions::default()
        };
        load(Path::new("/etc/nginx/nginx.conf"), &opts, &map)
    };
    check_diagnostics(&map, &config.diagnostics);
    for version in [NginxVersion::V1_22, NginxVersion::Latest] {
        let _ = infer_context(&config, version);
        let opts = CheckOptions {
            version,
            modules: Vec::new(),
            ..Default::default()
        };
        check_diagnostics(&map, &check(&config, &opts, &map));
    }
});
