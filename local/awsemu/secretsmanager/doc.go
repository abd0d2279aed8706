// Package secretsmanager emulates AWS Secrets Manager (awsJson1_1): secrets,
// their values and versions, tags, deletion and restore, and random
// passwords. Other services read secrets with ReadSecretString.
//
// Secrets Manager keeps each secret's versions with staging labels, as AWS
// does: a new value becomes AWSCURRENT, the one before it AWSPREVIOUS. A
// deleted secret stays (and blocks its name) until its recovery window
// ends, measured on the emulator clock; a forced deletion frees the name at
// once.
package secretsmanager
