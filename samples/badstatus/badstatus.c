/* badstatus: a Status header that is not a number (502 for the host). */
#include <stdio.h>

int main(void) {
    fputs("Status: abc\nContent-Type: text/plain\n\nx", stdout);
    return 0;
}
