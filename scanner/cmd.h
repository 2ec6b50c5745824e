/* cmd.h: subcommands of the command line besides scan. */
#ifndef EG_CMD_H
#define EG_CMD_H

/* `exportgate rules list|check|explain|test`: returns the exit code. */
int eg_cmd_rules(int argc, char **argv);

#endif
