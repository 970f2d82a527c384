// Placeholder until the first source file of src/context lands; delete then.
