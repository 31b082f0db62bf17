#!/usr/bin/perl
# Verify every DKIM-Signature of the message in FILE with Mail::DKIM, the
# verifier SpamAssassin's DKIM plugin uses.
#
# Usage: maildkim_verify.pl PORT FILE
#
# The public keys are looked up with Net::DNS from the DNS server on
# 127.0.0.1:PORT (the Go test serves them there). Prints one line per
# signature, topmost first, then the verifier's overall result:
#
#   Mail::DKIM: signature 0 a=rsa-sha256 s=rsa d=acme.example: pass
#   Mail::DKIM: result: pass
use strict;
use warnings;

use Mail::DKIM::Verifier;
use Net::DNS::Resolver;

my ( $port, $path ) = @ARGV;
die "usage: $0 PORT FILE\n" unless $port && $path;

Mail::DKIM::DNS::resolver(
    Net::DNS::Resolver->new(
        nameservers => ['127.0.0.1'],
        port        => $port,
        searchlist  => [],
        retry       => 2,
        udp_timeout => 5,
    )
);

open my $in, '<:raw', $path or die "$path: $!\n";
my $dkim = Mail::DKIM::Verifier->new();
while ( my $line = <$in> ) {
    $line =~ s/\r?\n\z/\r\n/;
    $dkim->PRINT($line);
}
close $in;
$dkim->CLOSE;

my $i = 0;
for my $sig ( $dkim->signatures ) {
    printf "Mail::DKIM: signature %d a=%s s=%s d=%s: %s\n", $i++,
      $sig->algorithm // '?', $sig->selector // '?', $sig->domain // '?',
      $sig->result_detail;
}
printf "Mail::DKIM: result: %s\n", $dkim->result_detail;
