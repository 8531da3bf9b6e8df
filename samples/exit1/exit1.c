/* exit1: a valid response, then exit code 1. The host must report the failure. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    fputs("Content-Type: text/plain\n\nabout to exit with code 1\n", stdout);
    exit(1);
}
