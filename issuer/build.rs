//! The staff console's files (`console/`) are embedded at compile time (`include_dir`), which
//! on stable Rust does not tell Cargo to watch them: this build script does, so that an edited
//! or added console file rebuilds the crate.

fn main() {
    println!("cargo:rerun-if-changed=console");
}
