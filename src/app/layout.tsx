// Root layout: plain HTML and one stylesheet; no client-side auth script is needed to buy.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = { title: 'Workshop credits', description: 'Buy workshop credits' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
