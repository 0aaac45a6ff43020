use lint_source::Diagnostic;

use crate::model::Model;
use crate::rule::Sink;
use nginx_conf_parser::check::parse_time;

declare_rule!(
    "X007",
    "fpm-kills-first",
    Cross,
    Warning,
    "`request_terminate_timeout` kills scripts that PHP and nginx would both still wait for (502)",
    r#"php-fpm's master kills a worker whose request runs longer than
`request_terminate_timeout`, with SIGTERM, mid-response. When PHP's own
`max_execution_time` is longer (or 0) and nginx waits longer too, the script
never gets the chance to fail cleanly: nginx sees the connection close.

**Symptom**: 502 Bad Gateway; nginx logs `upstream prematurely closed FastCGI
stdout while reading response header from upstream`; php-fpm logs
`child 1234, script '/var/www/x.php' ... execution timed out (31.0 sec), terminating`.

Bad:
```ini
request_terminate_timeout = 30     ; nginx: fastcgi_read_timeout 300s, php: max_execution_time = 0
```
Good:
```ini
request_terminate_timeout = 300
php_admin_value[max_execution_time] = 290
```"#,
    "Raise `request_terminate_timeout` to just under `fastcgi_read_timeout`, and keep `max_execution_time` below it.",
    check
);

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (nginx, _, location) in model.fastcgi_locations() {
        let read = location.inherited.get("fastcgi_read_timeout");
        let read_s = read
            .and_then(|s| parse_time(s.first(), true))
            .unwrap_or(60_000) as i64
            / 1000;
        for (_, p) in model.reached_pools(nginx, location) {
            let Some((rtt, entry)) = p.pool.time("request_terminate_timeout") else {
                continue;
            };
            let (met, met_span) = p.max_execution_time();
            if rtt > 0 && rtt < read_s && (met == 0 || met > rtt) {
                let mut d = Diagnostic::new(&RULE.meta, entry.value_span, format!("pool [{}] kills scripts after {rtt}s, while nginx waits {read_s}s and PHP allows {}", p.pool.name, if met == 0 { "unlimited time".to_string() } else { format!("{met}s") }))
                    .with_label("request_terminate_timeout")
                    .with_related(read.map_or(location.span, |s| s.span), format!("nginx waits {read_s}s here"))
                    .with_help(format!("set max_execution_time below {rtt}s so PHP stops the script cleanly, or raise request_terminate_timeout"))
                    .with_note("at runtime: 502 Bad Gateway, \"upstream prematurely closed FastCGI stdout while reading response header from upstream\"");
                if let Some(s) = met_span {
                    d = d.with_related(s, "max_execution_time");
                }
                sink.push(d);
            }
        }
    }
}
