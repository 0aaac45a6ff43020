//! GitHub Actions workflow commands (`::error file=...::message`).

use std::io::{self, Write};

use lint_source::{Diagnostic, Severity};

use super::Resolver;

/// Escapes a message (the part after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per diagnostic.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    resolver: &Resolver<'_>,
) -> io::Result<()> {
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let title = escape_property(&format!("{} {}", d.code, d.name));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        match &d.primary {
            Some(p) => {
                let place = resolver.place(p.span);
                writeln!(
                    out,
                    "::{kind} file={},line={},col={},endLine={},endColumn={},title={title}::{}",
                    escape_property(place.path),
                    place.start.line,
                    place.start.column,
                    place.end.line,
                    place.end.column,
                    escape_data(&message)
                )?;
            }
            None => writeln!(out, "::{kind} title={title}::{}", escape_data(&message))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_github_rules() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
