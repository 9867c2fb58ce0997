mod vectors;
mod smoke {
    #[test]
    fn builds() {}
}
