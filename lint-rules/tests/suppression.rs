//! Suppression comments cover statements, not lines: a statement written over several
//! lines is covered whole, a trailing comment covers the statement it follows, and a
//! comment that covers no finding is reported (LINT001).

use lint_rules::{lint, LintInput, NginxInput};
use lint_source::SourceMap;

fn codes(conf: &str) -> Vec<(&'static str, u32)> {
    let text = format!("events {{}}\nhttp {{\n{conf}\n}}\n");
    let input = LintInput {
        nginx: vec![NginxInput::Dump {
            name: "nginx.conf".into(),
            text: format!("# configuration file /etc/nginx/nginx.conf:\n{text}").into_bytes(),
        }],
        ..Default::default()
    };
    let map = SourceMap::new();
    lint(&input, &map)
        .into_iter()
        .filter(|d| d.code.starts_with("NGX01") || d.code == "LINT001")
        .map(|d| {
            let p = d.primary.expect("a place");
            (d.code, map.get(p.span.file).line_col(p.span.start).line)
        })
        .collect()
}

#[test]
fn a_finding_on_the_second_line_of_a_statement_is_covered() {
    let bare = codes("    client_max_body_size\n        10q;");
    assert_eq!(
        bare,
        vec![("NGX014", 4)],
        "the finding sits on the value's line"
    );
    let suppressed =
        codes("    # nginx-fpm-lint: ignore NGX014 sizes checked elsewhere\n    client_max_body_size\n        10q;");
    assert_eq!(suppressed, vec![]);
}

#[test]
fn a_trailing_comment_covers_the_statement_it_follows() {
    let suppressed =
        codes("    client_max_body_size 10q; # nginx-fpm-lint: ignore invalid-value why");
    assert_eq!(suppressed, vec![], "matched by the rule's name too");
}

#[test]
fn a_comment_covers_the_head_of_a_block_not_its_body() {
    let found = codes(
        "    # nginx-fpm-lint: ignore NGX014 not here\n    server {\n        client_max_body_size 10q;\n    }",
    );
    assert_eq!(found, vec![("LINT001", 3), ("NGX014", 5)]);
}

#[test]
fn a_comment_that_covers_nothing_is_reported_where_it_is() {
    let found = codes("    # nginx-fpm-lint: ignore NGX014 stale\n    client_max_body_size 10m;");
    assert_eq!(found, vec![("LINT001", 3)]);
}
