//! `cargo xtask codegen [--check]`: keep the generated files in step with
//! the spec.
//!
//! The generator owns whole directories of the SDK crate ([`OWNED_DIRS`]):
//! every file in them is generated, so a file there that the generator no
//! longer produces is stale and is removed on regenerate (and reported by
//! `--check`).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use similar::TextDiff;

/// Directories of the SDK crate that hold only generated files.
pub const OWNED_DIRS: &[&str] = &["src/models", "src/apis", "docs"];

/// Where the spec and the SDK crate are.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The spec file.
    pub spec: PathBuf,
    /// How the spec is named in generated headers (workspace-relative).
    pub spec_label: String,
    /// The SDK crate root.
    pub sdk: PathBuf,
}

impl Layout {
    /// The layout of the workspace rooted at `root`.
    pub fn workspace(root: &Path) -> Self {
        Layout {
            spec: root.join("spec/events-api.yaml"),
            spec_label: "spec/events-api.yaml".to_owned(),
            sdk: root.join("events-sdk"),
        }
    }
}

/// What regenerating would change.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files whose contents differ (or that do not exist yet): path
    /// relative to the SDK crate, old contents if any, new contents.
    pub changed: Vec<(String, Option<String>, String)>,
    /// Number of generated files already up to date.
    pub unchanged: usize,
    /// Files in the owned directories the generator does not produce.
    pub stale: Vec<String>,
    /// Model count, for the summary.
    pub models: usize,
    /// Operation count, for the summary.
    pub operations: usize,
}

/// Runs the generator and compares its output with the files on disk.
pub fn plan(layout: &Layout) -> Result<Plan, String> {
    let output = codegen::generate_file(&layout.spec, &codegen::Options::new(&layout.spec_label, "events_sdk")).map_err(|e| e.to_string())?;
    let mut plan = Plan { models: output.models, operations: output.operations, ..Plan::default() };
    let produced: BTreeSet<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
    for file in &output.files {
        let old = fs::read_to_string(layout.sdk.join(&file.path)).ok();
        if old.as_deref() == Some(file.contents.as_str()) {
            plan.unchanged += 1;
        } else {
            plan.changed.push((file.path.clone(), old, file.contents.clone()));
        }
    }
    for dir in OWNED_DIRS {
        for path in files_under(&layout.sdk, dir)? {
            if !produced.contains(path.as_str()) {
                plan.stale.push(path);
            }
        }
    }
    Ok(plan)
}

/// Writes changed files and removes stale ones.
pub fn apply(layout: &Layout, plan: &Plan) -> Result<(), String> {
    for (path, _, contents) in &plan.changed {
        let target = layout.sdk.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&target, contents).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    for path in &plan.stale {
        let target = layout.sdk.join(path);
        fs::remove_file(&target).map_err(|e| format!("cannot remove {}: {e}", target.display()))?;
    }
    Ok(())
}

/// A unified diff of every change the plan would make, and the stale files.
pub fn report(plan: &Plan, sdk_label: &str) -> String {
    let mut out = String::new();
    for (path, old, new) in &plan.changed {
        let name = format!("{sdk_label}/{path}");
        let old = old.as_deref().unwrap_or("");
        let diff = TextDiff::from_lines(old, new.as_str());
        out.push_str(&diff.unified_diff().context_radius(3).header(&name, &name).to_string());
    }
    for path in &plan.stale {
        out.push_str(&format!(
            "{sdk_label}/{path}: generated file that the spec no longer produces; should not exist\n"
        ));
    }
    out
}

/// Entry point of `cargo xtask codegen [--check]`; returns the exit code.
pub fn run(layout: &Layout, check: bool) -> i32 {
    let start = Instant::now();
    let plan = match plan(layout) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let sdk_label = layout.sdk.file_name().map_or_else(|| "sdk".into(), |n| n.to_string_lossy().into_owned());
    if check {
        if plan.changed.is_empty() && plan.stale.is_empty() {
            println!("codegen --check: {} files up to date", plan.unchanged);
            return 0;
        }
        print!("{}", report(&plan, &sdk_label));
        eprintln!(
            "codegen --check: {} stale, {} should not exist; run `cargo xtask codegen`",
            plan.changed.len(),
            plan.stale.len()
        );
        return 1;
    }
    if let Err(e) = apply(layout, &plan) {
        eprintln!("error: {e}");
        return 2;
    }
    println!(
        "codegen: {} models, {} operations; files: {} written, {} unchanged, {} removed ({} ms)",
        plan.models,
        plan.operations,
        plan.changed.len(),
        plan.unchanged,
        plan.stale.len(),
        start.elapsed().as_millis()
    );
    0
}

/// Paths (relative to `root`, `/`-separated, sorted) of the files under
/// `root/dir`.
fn files_under(root: &Path, dir: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(rel) = pending.pop() {
        let entries = match fs::read_dir(root.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot list {}: {e}", root.join(&rel).display())),
        };
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {rel}: {e}"))?;
            let child = format!("{rel}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                pending.push(child);
            } else {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}
