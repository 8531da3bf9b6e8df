/* binary: a body of the 256 byte values 0x00..0xFF, to check bodies stay byte-exact. */
#include <stdio.h>

int main(void) {
    unsigned char body[256];
    for (int i = 0; i < 256; i++) {
        body[i] = (unsigned char)i;
    }
    fputs("Content-Type: application/octet-stream\n\n", stdout);
    fwrite(body, 1, sizeof body, stdout);
    return 0;
}
