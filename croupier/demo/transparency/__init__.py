"""Demo transparency centre: page texts in five languages, licences, helplines, and generated game rounds
and payment transactions so that the reports show real figures."""
