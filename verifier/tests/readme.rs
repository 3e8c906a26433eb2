//! The README's "Verifying presentations" snippet is the compiled example, verbatim.

#[test]
fn the_readme_shows_the_compiled_example() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../examples/verifying_presentations.rs");
    assert!(readme.contains("## Verifying presentations"));
    assert!(
        readme.contains(&format!("```rust,ignore\n{example}```")),
        "README.md's snippet differs from verifier/examples/verifying_presentations.rs"
    );
}
