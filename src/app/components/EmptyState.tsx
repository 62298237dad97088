import { DEMOS, openDemo } from "../clients/model.ts";

export function EmptyState() {
  return (
    <div className="empty-state">
      <div className="dropzone">
        <h1>Drop an ONNX model here, or open a demo</h1>
        <p>
          zkml-studio proves that an answer came from your model: calibrate its fixed-point quantization, compile it to a
          circuit, prove an inference on this machine, and export a proof anyone can verify.
        </p>
        <div className="demo-cards">
          {DEMOS.map((d) => (
            <button key={d.id} className="demo-card" onClick={() => void openDemo(d.id)}>
              <span className="demo-title">{d.title}</span>
              <span className="demo-blurb">{d.blurb}</span>
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
