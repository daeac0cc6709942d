pub fn run(_args: &[String]) -> Result<(), String> { Err("test: not yet".into()) }
