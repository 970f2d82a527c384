// Placeholder until the first source file of src/report lands; delete then.
