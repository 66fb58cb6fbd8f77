//! Tests of image metadata.
