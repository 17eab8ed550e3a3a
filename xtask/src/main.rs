//! `cargo xtask`: project automation. Run `cargo xtask help` for commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::sync;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen          regenerate events-sdk from spec/events-api.yaml
  codegen --check  write nothing; exit 1 with a diff if the generated code is stale
  spec --from <published.json|yaml> --tag <Tag> [--out spec/events-api.yaml]
                   extract one tag of a published Swagger 2.0 description as an OpenAPI 3.0.3 fragment
  corpus <dir> [--only name,name]
                   generate a throwaway SDK crate per spec fragment in <dir> and `cargo clippy -D warnings` it";

fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let code = match args.as_slice() {
        ["codegen"] => sync::run(&sync::Layout::workspace(&workspace_root()), false),
        ["codegen", "--check"] => sync::run(&sync::Layout::workspace(&workspace_root()), true),
        ["spec", rest @ ..] => xtask::extract::run(&workspace_root(), rest),
        ["corpus", dir] => xtask::corpus::run(&workspace_root(), Path::new(dir), None),
        ["corpus", dir, "--only", only] => {
            let only: Vec<String> = only.split(',').map(str::to_owned).collect();
            xtask::corpus::run(&workspace_root(), Path::new(dir), Some(&only))
        }
        ["help"] | ["--help"] | ["-h"] | [] => {
            println!("{USAGE}");
            0
        }
        _ => {
            eprintln!("unknown arguments: {}\n\n{USAGE}", args.join(" "));
            2
        }
    };
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
