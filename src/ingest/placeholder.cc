// Placeholder until the first source file of src/ingest lands; delete then.
