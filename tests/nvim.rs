//! A real editor: Neovim's built-in LSP client, headless, on a fixture tree
//! (tests/nvim/lsp.lua). Skipped, with the reason printed, where `nvim` is absent;
//! CI installs Debian's `neovim`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn neovim_shows_x001_on_the_fastcgi_pass_line_and_clears_it_after_the_edit() {
    if Command::new("nvim")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("skipped: nvim is not installed (apt-get install -y neovim)");
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path().join("root");
    copy_tree(&manifest.join("fixtures/lsp/root"), &root);
    let result = temp.path().join("result");
    let mut child = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            manifest.join("tests/nvim/lsp.lua").display()
        ))
        .env("NFL_ROOT", &root)
        .env("NFL_BIN", env!("CARGO_BIN_EXE_nginx-fpm-lint"))
        .env("NFL_RESULT", &result)
        .env("XDG_STATE_HOME", temp.path())
        .env("XDG_DATA_HOME", temp.path())
        .env("XDG_CONFIG_HOME", temp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start nvim");
    // The script's own waits are 60 s each; this bounds the whole run.
    let mut status = None;
    for _ in 0..1500 {
        if let Some(s) = child.try_wait().expect("wait") {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if status.is_none() {
        let _ = child.kill();
    }
    let said = std::fs::read_to_string(&result).unwrap_or_else(|_| "no result written".into());
    assert_eq!(said, "OK", "nvim: {said} (status {status:?})");
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}
