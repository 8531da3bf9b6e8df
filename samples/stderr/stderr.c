/* stderr: logs one line to stderr, then answers hello. */
#include <stdio.h>

int main(void) {
    fputs("guest log line\n", stderr);
    fflush(stderr);
    fputs("Content-Type: text/plain\n\nhello\n", stdout);
    return 0;
}
