//! The staff console and its admin API.
#![cfg(test)]
