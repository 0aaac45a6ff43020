use crate::rule::{Check, Rule, Sink};
use foldhash::{HashMap, HashMapExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX101",
        name: "conflicting-server-name",
        family: Family::NginxListen,
        severity: Severity::Warning,
        summary: "two servers on one address:port claim the same server_name: the second never answers it",
        aliases: &[],
        doc: r#"nginx keeps the first server that names a host on an address and ignores the
name in later ones, with only a warning at start: `conflicting server name
"www.example.com" on 0.0.0.0:80, ignored`. Requests go to the first server,
which often is not the one just edited.

**Symptom**: one site answers the other's domain; nginx logs `conflicting
server name "..." on 0.0.0.0:80, ignored` at every start and reload.

Bad:
```nginx
server { listen 80; server_name shop.example.com www.example.com; }
server { listen 80; server_name admin.example.com www.example.com; }
```
Good:
```nginx
server { listen 80; server_name shop.example.com www.example.com; }
server { listen 80; server_name admin.example.com; }
```"#,
        fix: "Remove the name from the server that should not answer it.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for nginx in &model.nginx {
        // One finding per losing name, listing every address where it loses.
        let mut lost: Vec<(Span, Span, String, Vec<String>)> = Vec::new();
        let mut by_span: HashMap<Span, usize> = HashMap::new();
        for group in &nginx.listen_groups {
            // nginx builds the name hash (and so checks conflicts) only for shared addresses.
            if group.members.len() < 2 {
                continue;
            }
            for ignored in &group.ignored {
                match by_span.get(&ignored.span) {
                    Some(&i) => lost[i].3.push(group.address.to_string()),
                    None => {
                        by_span.insert(ignored.span, lost.len());
                        lost.push((
                            ignored.span,
                            ignored.winner_span,
                            ignored.name.clone(),
                            vec![group.address.to_string()],
                        ));
                    }
                }
            }
        }
        for (span, winner, name, addresses) in lost {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!(
                        "conflicting server name \"{name}\" on {}, ignored",
                        addresses.join(", ")
                    ),
                )
                .with_label("never matches: an earlier server has it")
                .with_related(winner, "this server answers it")
                .with_help("remove the name from one of the two servers"),
            );
        }
    }
}
