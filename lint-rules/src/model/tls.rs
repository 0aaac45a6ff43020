//! TLS servers and their OCSP stapling, shared by the stapling rules (SEC074, SEC075)
//! and SEC076.

use crate::model::syntax::Node;
use crate::model::Model;

/// A server with a TLS listener (`ssl`, `quic`, or the old `http3` flag).
pub fn is_tls_server(server: Node<'_, '_>) -> bool {
    server
        .children()
        .any(|c| c.is("listen") && (c.has_arg("ssl") || c.has_arg("quic") || c.has_arg("http3")))
}

/// Every TLS server of every `http` block whose effective `ssl_stapling` (its own or
/// inherited from `http`) is `on`, with that statement.
pub fn stapling_servers<'a>(
    model: &Model<'a>,
) -> impl Iterator<Item = (Node<'a, 'a>, Node<'a, 'a>)> + 'a {
    let trees: &'a [crate::model::syntax::Tree<'a>] = model.syntax;
    trees
        .iter()
        .flat_map(|tree| tree.http_servers())
        .filter(|server| is_tls_server(*server))
        .filter_map(|server| {
            let stapling = server.effective("ssl_stapling")?;
            stapling
                .arg(0)
                .eq_ignore_ascii_case("on")
                .then_some((server, stapling))
        })
}
