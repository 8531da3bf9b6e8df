/* noheaders: a body with no header block at all (502 for the host). */
#include <stdio.h>

int main(void) {
    fputs("hello\n", stdout);
    return 0;
}
