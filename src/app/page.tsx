// Pricing page (placeholder until the fulfilment work lands).
export default function Home() {
  return <main><h1>Workshop credits</h1></main>;
}
