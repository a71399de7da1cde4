/* The mb2 test guest without the address tag: loaded by its ELF program headers. */
#define MB2_ELF 1
#include "../mb2/header.S"
