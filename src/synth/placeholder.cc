// Placeholder until the first source file of src/synth lands; delete then.
